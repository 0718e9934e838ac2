// JPEG through libjpeg-turbo directly, for what OpenCV's imdecode hides: DCT scaling by any
// M/8 (not only 1/2, 1/4, 1/8), CMYK/YCCK delivered raw so the colour conversion is ours
// (ICC via lcms2, Adobe inversion), the ICC profile from APP2, and libjpeg's warnings about
// corrupt data, which we keep for the manifest instead of letting them reach stderr.
#include <jerror.h>

#include <csetjmp>
#include <cstdint>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>

// clang-format off: jpeglib.h needs <cstdio> first
#include <jpeglib.h>
// clang-format on

#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

constexpr int kMaxWarnings = 4;

// libjpeg reports fatal errors through error_exit, which must not return: we longjmp back to
// run_libjpeg. Warnings are collected in fixed buffers (nothing may throw inside libjpeg).
struct ErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
    char warnings[kMaxWarnings][JMSG_LENGTH_MAX];
    int warning_count;
    bool premature_end;
    bool too_many_pixels;  // the frame header's size, refused before libjpeg allocates for it
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace output
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) err->premature_end = true;
    if (err->warning_count < kMaxWarnings)
        (*cinfo->err->format_message)(cinfo, err->warnings[err->warning_count]);
    ++err->warning_count;
}

// Everything between setjmp and the last libjpeg call lives here, and touches only objects
// owned by the caller, so a longjmp out of libjpeg leaves no local in an undefined state.
bool run_libjpeg(jpeg_decompress_struct& cinfo, ErrorManager& err, Bytes bytes,
                 const DecodeRequest& request, DecodedImage& out) {
    if (setjmp(err.jump)) return false;
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, bytes.data(), static_cast<unsigned long>(bytes.size()));
    jpeg_save_markers(&cinfo, JPEG_APP0 + 2, 0xFFFF);  // ICC profile chunks
    jpeg_read_header(&cinfo, TRUE);
    // The header probe read a frame size, but libjpeg decodes the frame it finds, which a
    // crafted file can make another, larger one; its buffers are sized from that frame.
    if (request.max_pixels &&
        std::uint64_t{cinfo.image_width} * cinfo.image_height > request.max_pixels) {
        err.too_many_pixels = true;
        return false;
    }

    JOCTET* icc = nullptr;
    unsigned int icc_length = 0;
    if (jpeg_read_icc_profile(&cinfo, &icc, &icc_length) && icc) {
        out.colour.icc_profile.assign(icc, icc + icc_length);
        std::free(icc);
    }

    int channels = 3;
    switch (cinfo.jpeg_color_space) {
        case JCS_GRAYSCALE:
            cinfo.out_color_space = JCS_GRAYSCALE;
            out.colour.model = ColourModel::grey;
            channels = 1;
            break;
        case JCS_CMYK:
        case JCS_YCCK:  // libjpeg turns YCCK into CMYK
            cinfo.out_color_space = JCS_CMYK;
            out.colour.model = ColourModel::cmyk;
            out.colour.cmyk_inverted = cinfo.saw_Adobe_marker;
            channels = 4;
            break;
        default:
            cinfo.out_color_space = JCS_EXT_BGR;  // straight into OpenCV's channel order
            out.colour.model = ColourModel::bgr;
            break;
    }

    int m = jpeg_scale_eighths(static_cast<int>(cinfo.image_width),
                               static_cast<int>(cinfo.image_height), request.min_width,
                               request.min_height);
    cinfo.scale_num = static_cast<unsigned int>(m);
    cinfo.scale_denom = 8;
    int g = std::gcd(m, 8);
    out.scale_numerator = m / g;
    out.scale_denominator = 8 / g;
    jpeg_start_decompress(&cinfo);

    out.pixels.create(static_cast<int>(cinfo.output_height), static_cast<int>(cinfo.output_width),
                      CV_8UC(channels));
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW rows[16];
        JDIMENSION n = std::min<JDIMENSION>(16, cinfo.output_height - cinfo.output_scanline);
        for (JDIMENSION i = 0; i < n; ++i)
            rows[i] = out.pixels.ptr<JSAMPLE>(static_cast<int>(cinfo.output_scanline + i));
        jpeg_read_scanlines(&cinfo, rows, n);
    }
    // No need to read past the scan (an MPO's second picture, trailing junk).
    jpeg_abort_decompress(&cinfo);
    return true;
}

}  // namespace

DecodedImage decode_jpeg(Bytes bytes, const DecodeRequest& request) {
    DecodedImage out;
    jpeg_decompress_struct cinfo;
    std::memset(&cinfo, 0, sizeof cinfo);
    ErrorManager err;
    std::memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    bool ok = run_libjpeg(cinfo, err, bytes, request, out);
    jpeg_destroy_decompress(&cinfo);
    if (err.too_many_pixels)
        throw ProcessingError("too_many_pixels", "the JPEG's frame is larger than allowed");
    if (!ok) throw ProcessingError("undecodable", std::string("libjpeg: ") + err.message);
    if (err.premature_end)
        throw ProcessingError("truncated", "the JPEG's data ends before the picture is complete");
    for (int i = 0; i < std::min(err.warning_count, kMaxWarnings); ++i)
        out.warnings.push_back(std::string("libjpeg: ") + err.warnings[i]);
    if (err.warning_count > kMaxWarnings)
        out.warnings.push_back("libjpeg: " + std::to_string(err.warning_count - kMaxWarnings) +
                               " more warnings");
    return out;
}

}  // namespace fotogal::pipeline
