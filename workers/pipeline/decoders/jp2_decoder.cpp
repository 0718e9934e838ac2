// JPEG 2000 (JP2 file or raw J2K codestream) through OpenJPEG. Its components (grey, grey +
// alpha, RGB(A), YCC, CMYK; any precision up to 16 bits, signed or not) become 8- or 16-bit
// BGR(A)/grey/CMYK pixels; the ICC profile of a JP2 colour box is kept. The size and the
// component count are checked from the header before OpenJPEG allocates the picture.
#include <openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <opencv2/imgproc.hpp>
#include <string>
#include <vector>

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct Source {
    Bytes bytes;
    std::size_t pos = 0;
    std::string message;
};

OPJ_SIZE_T read_fn(void* out, OPJ_SIZE_T n, void* user) {
    auto* s = static_cast<Source*>(user);
    if (s->pos >= s->bytes.size()) return static_cast<OPJ_SIZE_T>(-1);
    std::size_t count = std::min<std::size_t>(n, s->bytes.size() - s->pos);
    std::memcpy(out, s->bytes.data() + s->pos, count);
    s->pos += count;
    return count;
}
OPJ_OFF_T skip_fn(OPJ_OFF_T n, void* user) {
    auto* s = static_cast<Source*>(user);
    auto left = static_cast<OPJ_OFF_T>(s->bytes.size() - s->pos);
    if (n < 0 || n > left) return -1;
    s->pos += static_cast<std::size_t>(n);
    return n;
}
OPJ_BOOL seek_fn(OPJ_OFF_T to, void* user) {
    auto* s = static_cast<Source*>(user);
    if (to < 0 || static_cast<std::uint64_t>(to) > s->bytes.size()) return OPJ_FALSE;
    s->pos = static_cast<std::size_t>(to);
    return OPJ_TRUE;
}

void on_error(const char* message, void* user) {
    auto* s = static_cast<Source*>(user);
    if (s->message.empty() && message) {
        s->message = message;
        while (!s->message.empty() && s->message.back() == '\n') s->message.pop_back();
    }
}
void on_quiet(const char*, void*) {}

struct CodecFree {
    void operator()(opj_codec_t* c) const { opj_destroy_codec(c); }
};
struct StreamFree {
    void operator()(opj_stream_t* s) const { opj_stream_destroy(s); }
};
struct ImageFree {
    void operator()(opj_image_t* i) const { opj_image_destroy(i); }
};

[[noreturn]] void fail(const Source& s, const std::string& what) {
    throw ProcessingError(
        "undecodable", "OpenJPEG could not " + what + (s.message.empty() ? "" : ": " + s.message));
}

// One component as 8- or 16-bit samples over the whole picture (subsampled ones upscaled).
cv::Mat component_plane(const opj_image_comp_t& c, int depth, cv::Size size) {
    cv::Mat samples(static_cast<int>(c.h), static_cast<int>(c.w), CV_32S, c.data), plane;
    double top = depth == CV_8U ? 255.0 : 65535.0;
    double max_in = static_cast<double>((1u << c.prec) - 1);
    double shift = c.sgnd ? static_cast<double>(1u << (c.prec - 1)) : 0.0;
    samples.convertTo(plane, depth, top / max_in, shift * top / max_in);
    if (plane.size() != size) cv::resize(plane, plane, size, 0, 0, cv::INTER_LINEAR);
    return plane;
}

}  // namespace

DecodedImage decode_jp2(Bytes bytes, const DecodeRequest& request) {
    static const std::uint8_t kJ2k[] = {0xFF, 0x4F, 0xFF, 0x51};
    bool raw_codestream = bytes.size() >= 4 && std::memcmp(bytes.data(), kJ2k, 4) == 0;
    Source source{bytes, 0, {}};
    std::unique_ptr<opj_codec_t, CodecFree> codec(
        opj_create_decompress(raw_codestream ? OPJ_CODEC_J2K : OPJ_CODEC_JP2));
    std::unique_ptr<opj_stream_t, StreamFree> stream(opj_stream_create(64 * 1024, OPJ_TRUE));
    if (!codec || !stream) throw std::bad_alloc();
    opj_set_error_handler(codec.get(), on_error, &source);
    opj_set_warning_handler(codec.get(), on_quiet, nullptr);
    opj_set_info_handler(codec.get(), on_quiet, nullptr);
    opj_stream_set_user_data(stream.get(), &source, nullptr);
    opj_stream_set_user_data_length(stream.get(), bytes.size());
    opj_stream_set_read_function(stream.get(), read_fn);
    opj_stream_set_skip_function(stream.get(), skip_fn);
    opj_stream_set_seek_function(stream.get(), seek_fn);
    opj_dparameters_t parameters;
    opj_set_default_decoder_parameters(&parameters);
    if (!opj_setup_decoder(codec.get(), &parameters)) fail(source, "set up the decoder");

    opj_image_t* raw_image = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &raw_image)) fail(source, "read the header");
    std::unique_ptr<opj_image_t, ImageFree> image(raw_image);
    std::uint64_t w = image->x1 - image->x0, h = image->y1 - image->y0;
    if (image->x1 <= image->x0 || image->y1 <= image->y0)
        throw ProcessingError("undecodable", "the JPEG 2000 image has no size");
    if (request.max_pixels && w * h > request.max_pixels)
        throw ProcessingError("too_many_pixels", "the JPEG 2000 image is larger than allowed");
    if (image->numcomps < 1 || image->numcomps > 4)
        throw ProcessingError("undecodable", "JPEG 2000 images with " +
                                                 std::to_string(image->numcomps) +
                                                 " components are not supported");
    if (!opj_decode(codec.get(), stream.get(), image.get()) ||
        !opj_end_decompress(codec.get(), stream.get()))
        fail(source, "decode the picture");

    const int n = static_cast<int>(image->numcomps);
    bool wide = false;
    for (int i = 0; i < n; ++i) {
        const opj_image_comp_t& c = image->comps[i];
        if (!c.data || c.prec < 1 || c.prec > 16 || c.w == 0 || c.h == 0)
            throw ProcessingError("undecodable", "the JPEG 2000 image has an unusable component");
        wide = wide || c.prec > 8;
    }
    const int depth = wide ? CV_16U : CV_8U;
    const cv::Size size(static_cast<int>(image->comps[0].w), static_cast<int>(image->comps[0].h));
    std::vector<cv::Mat> planes;
    for (int i = 0; i < n; ++i) planes.push_back(component_plane(image->comps[i], depth, size));

    DecodedImage out;
    if (image->icc_profile_buf && image->icc_profile_len >= 128)
        out.colour.icc_profile.assign(image->icc_profile_buf,
                                      image->icc_profile_buf + image->icc_profile_len);
    if (image->color_space == OPJ_CLRSPC_CMYK && n == 4) {
        out.colour.model = ColourModel::cmyk;
        cv::merge(planes, out.pixels);
        return out;
    }
    if (n <= 2) {
        out.colour.model = ColourModel::grey;
        out.colour.has_alpha = n == 2;
        cv::merge(planes, out.pixels);
        return out;
    }
    out.colour.model = ColourModel::bgr;
    out.colour.has_alpha = n == 4;
    cv::Mat colour;
    if (image->color_space == OPJ_CLRSPC_SYCC) {  // components Y, Cb, Cr
        cv::merge(std::vector<cv::Mat>{planes[0], planes[2], planes[1]}, colour);
        cv::cvtColor(colour, colour, cv::COLOR_YCrCb2BGR);
    } else {
        cv::merge(std::vector<cv::Mat>{planes[2], planes[1], planes[0]}, colour);
    }
    if (out.colour.has_alpha) {
        std::vector<cv::Mat> bgra;
        cv::split(colour, bgra);
        bgra.push_back(planes[3]);
        cv::merge(bgra, colour);
    }
    out.pixels = colour;
    return out;
}

}  // namespace fotogal::pipeline
