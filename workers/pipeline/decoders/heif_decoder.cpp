// HEIC (HEVC) and AVIF (AV1) through libheif: the primary image, 8-bit interleaved, with
// alpha when it has one and its ICC profile. libheif applies the container's rotation and
// mirroring (irot/imir), which the HEIF spec says win over any EXIF orientation.
#include <libheif/heif.h>

#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct ContextFree {
    void operator()(heif_context* c) const { heif_context_free(c); }
};
struct HandleRelease {
    void operator()(heif_image_handle* h) const { heif_image_handle_release(h); }
};
struct ImageRelease {
    void operator()(heif_image* i) const { heif_image_release(i); }
};

void check(const heif_error& e, const char* what) {
    if (e.code == heif_error_Ok) return;
    std::string message =
        std::string("libheif could not ") + what + ": " + (e.message ? e.message : "unknown error");
    if (e.code == heif_error_Unsupported_feature || e.code == heif_error_Unsupported_filetype)
        throw ProcessingError("no_decoder", message);
    throw ProcessingError("undecodable", message);
}

}  // namespace

DecodedImage decode_heif(Bytes bytes, const DecodeRequest& request) {
    std::unique_ptr<heif_context, ContextFree> ctx(heif_context_alloc());
    check(
        heif_context_read_from_memory_without_copy(ctx.get(), bytes.data(), bytes.size(), nullptr),
        "read the file");
    heif_image_handle* raw_handle = nullptr;
    check(heif_context_get_primary_image_handle(ctx.get(), &raw_handle), "find the primary image");
    std::unique_ptr<heif_image_handle, HandleRelease> handle(raw_handle);

    int w = heif_image_handle_get_width(handle.get());
    int h = heif_image_handle_get_height(handle.get());
    if (w <= 0 || h <= 0) throw ProcessingError("undecodable", "the HEIF image has no size");
    if (request.max_pixels && static_cast<std::uint64_t>(w) * h > request.max_pixels)
        throw ProcessingError("too_many_pixels", "the HEIF image is larger than allowed");

    DecodedImage out;
    out.colour.has_alpha = heif_image_handle_has_alpha_channel(handle.get());
    auto profile = heif_image_handle_get_color_profile_type(handle.get());
    if (profile == heif_color_profile_type_prof || profile == heif_color_profile_type_rICC) {
        out.colour.icc_profile.resize(heif_image_handle_get_raw_color_profile_size(handle.get()));
        check(heif_image_handle_get_raw_color_profile(handle.get(), out.colour.icc_profile.data()),
              "read the ICC profile");
    }

    heif_image* raw_image = nullptr;
    auto chroma = out.colour.has_alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB;
    check(heif_decode_image(handle.get(), &raw_image, heif_colorspace_RGB, chroma, nullptr),
          "decode the image (is its codec, libde265 for HEIC or libdav1d/libaom for AVIF, "
          "installed?)");
    std::unique_ptr<heif_image, ImageRelease> image(raw_image);
    int stride = 0;
    const std::uint8_t* plane =
        heif_image_get_plane_readonly(image.get(), heif_channel_interleaved, &stride);
    if (!plane) throw ProcessingError("undecodable", "libheif returned no pixels");
    int dw = heif_image_get_width(image.get(), heif_channel_interleaved);
    int dh = heif_image_get_height(image.get(), heif_channel_interleaved);
    cv::Mat rgb(dh, dw, out.colour.has_alpha ? CV_8UC4 : CV_8UC3, const_cast<std::uint8_t*>(plane),
                static_cast<std::size_t>(stride));
    cv::cvtColor(rgb, out.pixels, out.colour.has_alpha ? cv::COLOR_RGBA2BGRA : cv::COLOR_RGB2BGR);
    out.already_oriented = true;
    return out;
}

}  // namespace fotogal::pipeline
