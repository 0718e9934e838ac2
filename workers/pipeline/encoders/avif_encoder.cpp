// AVIF through libheif's AV1 encoder (libaom), the library the HEIC/AVIF decoder already
// links: AVIF output adds no shared library to the shipped image (libavif would pull rav1e,
// SVT-AV1, libgav1, libyuv and abseil). 8-bit 4:2:0, alpha kept, no Exif or XMP box.
#include <libheif/heif.h>

#include <cstring>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>

#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct ContextFree {
    void operator()(heif_context* c) const { heif_context_free(c); }
};
struct EncoderRelease {
    void operator()(heif_encoder* e) const { heif_encoder_release(e); }
};
struct ImageRelease {
    void operator()(heif_image* i) const { heif_image_release(i); }
};

// libaom's speed (0 slowest .. 9 fastest; libheif's default is 6): a rendition is encoded
// on every upload, so encode time matters more than the last percent of size
// (bench/avif_encode_cost.py measures the cost against JPEG and WebP).
constexpr int kAomSpeed = 8;
// One thread (libheif's default is 4), like the rest of a job: workers scale by running jobs
// side by side.
constexpr int kAomThreads = 1;

void check(const heif_error& e, const char* what) {
    if (e.code == heif_error_Ok) return;
    throw ProcessingError("encode_failed", std::string("libheif could not ") + what + ": " +
                                               (e.message ? e.message : "unknown error"));
}

heif_error append(heif_context*, const void* data, std::size_t size, void* userdata) {
    auto* out = static_cast<std::vector<std::uint8_t>*>(userdata);
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    try {  // no exception may cross libheif's C interface
        out->insert(out->end(), bytes, bytes + size);
    } catch (...) {
        return {heif_error_Encoding_error, heif_suberror_Cannot_write_output_data, "out of memory"};
    }
    return {heif_error_Ok, heif_suberror_Unspecified, "ok"};
}

// The pixels as an interleaved RGB(A) libheif image (libheif converts to YCbCr 4:2:0).
std::unique_ptr<heif_image, ImageRelease> to_heif_image(const cv::Mat& bgr_or_bgra) {
    bool alpha = bgr_or_bgra.channels() == 4;
    cv::Mat rgb;
    cv::cvtColor(bgr_or_bgra, rgb, alpha ? cv::COLOR_BGRA2RGBA : cv::COLOR_BGR2RGB);
    heif_image* raw = nullptr;
    check(
        heif_image_create(rgb.cols, rgb.rows, heif_colorspace_RGB,
                          alpha ? heif_chroma_interleaved_RGBA : heif_chroma_interleaved_RGB, &raw),
        "create an image");
    std::unique_ptr<heif_image, ImageRelease> image(raw);
    check(heif_image_add_plane(image.get(), heif_channel_interleaved, rgb.cols, rgb.rows, 8),
          "allocate the image");
    int stride = 0;
    std::uint8_t* plane = heif_image_get_plane(image.get(), heif_channel_interleaved, &stride);
    if (!plane) throw ProcessingError("encode_failed", "libheif gave no image plane");
    std::size_t row_bytes = static_cast<std::size_t>(rgb.cols) * rgb.channels();
    for (int y = 0; y < rgb.rows; ++y)
        std::memcpy(plane + static_cast<std::size_t>(y) * stride, rgb.ptr(y), row_bytes);
    return image;
}

}  // namespace

bool avif_encoder_available() {
    return heif_have_encoder_for_format(heif_compression_AV1) != 0;
}

std::vector<std::uint8_t> encode_avif(const cv::Mat& pixels, int quality) {
    cv::Mat input = pixels;
    if (input.channels() == 1) cv::cvtColor(input, input, cv::COLOR_GRAY2BGR);
    if (input.depth() != CV_8U || (input.channels() != 3 && input.channels() != 4))
        throw ProcessingError("encode_failed", "AVIF renditions need 8-bit BGR or BGRA pixels");
    if (!avif_encoder_available())
        throw ProcessingError("encode_failed", "this libheif has no AV1 encoder");
    std::unique_ptr<heif_context, ContextFree> ctx(heif_context_alloc());
    if (!ctx) throw std::bad_alloc();
    heif_encoder* raw_encoder = nullptr;
    check(heif_context_get_encoder_for_format(ctx.get(), heif_compression_AV1, &raw_encoder),
          "find an AV1 encoder");
    std::unique_ptr<heif_encoder, EncoderRelease> encoder(raw_encoder);
    check(heif_encoder_set_lossy_quality(encoder.get(), quality), "set the quality");
    // Not every AV1 plugin knows these (rav1e, SVT): a refusal keeps the plugin's default.
    heif_encoder_set_parameter_integer(encoder.get(), "speed", kAomSpeed);
    heif_encoder_set_parameter_integer(encoder.get(), "threads", kAomThreads);
    auto image = to_heif_image(input);
    check(heif_context_encode_image(ctx.get(), image.get(), encoder.get(), nullptr, nullptr),
          "encode the image");
    std::vector<std::uint8_t> out;
    heif_writer writer{1, append};
    check(heif_context_write(ctx.get(), &writer, &out), "write the file");
    return out;
}

}  // namespace fotogal::pipeline
