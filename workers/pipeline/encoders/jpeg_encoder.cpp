// JPEG through libjpeg-turbo: 4:2:0, optimised Huffman tables, a JFIF header and nothing else.
// libjpeg reports errors through error_exit, which must not return: it longjmps back into
// run_libjpeg, which holds no object with a destructor. The output grows in a vector owned
// by the caller (libjpeg's own memory destination can leak or double-free on an error).
#include <jerror.h>

#include <csetjmp>
#include <cstdio>  // jpeglib.h needs FILE
#include <cstring>
#include <string>

// clang-format off: jpeglib.h needs <cstdio> first
#include <jpeglib.h>
// clang-format on

#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct ErrorManager {
    jpeg_error_mgr pub;
    std::jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error(j_common_ptr cinfo) {
    auto* err = reinterpret_cast<ErrorManager*>(cinfo->err);
    (*cinfo->err->format_message)(cinfo, err->message);
    std::longjmp(err->jump, 1);
}

void on_message(j_common_ptr, int) {}  // warnings and traces: never to stderr

struct VectorDestination {
    jpeg_destination_mgr pub;
    std::vector<std::uint8_t>* out;
};

// Grows the output; a failed allocation becomes a libjpeg error after the catch has ended,
// so the longjmp crosses no live C++ object.
bool grow(j_compress_ptr cinfo, std::size_t to) {
    auto* d = reinterpret_cast<VectorDestination*>(cinfo->dest);
    bool ok = true;
    try {
        d->out->resize(to);
    } catch (...) {
        ok = false;
    }
    if (!ok) ERREXIT1(cinfo, JERR_OUT_OF_MEMORY, 0);
    return ok;
}

void init_destination(j_compress_ptr cinfo) {
    auto* d = reinterpret_cast<VectorDestination*>(cinfo->dest);
    grow(cinfo, 64 * 1024);
    d->pub.next_output_byte = d->out->data();
    d->pub.free_in_buffer = d->out->size();
}

boolean empty_output_buffer(j_compress_ptr cinfo) {
    auto* d = reinterpret_cast<VectorDestination*>(cinfo->dest);
    std::size_t used = d->out->size();
    grow(cinfo, used * 2);
    d->pub.next_output_byte = d->out->data() + used;
    d->pub.free_in_buffer = d->out->size() - used;
    return TRUE;
}

void term_destination(j_compress_ptr cinfo) {
    auto* d = reinterpret_cast<VectorDestination*>(cinfo->dest);
    d->out->resize(d->out->size() - d->pub.free_in_buffer);
}

bool run_libjpeg(jpeg_compress_struct& cinfo, ErrorManager& err, VectorDestination& dest,
                 const cv::Mat& pixels, int quality) {
    if (setjmp(err.jump)) return false;
    jpeg_create_compress(&cinfo);
    cinfo.dest = &dest.pub;
    cinfo.image_width = static_cast<JDIMENSION>(pixels.cols);
    cinfo.image_height = static_cast<JDIMENSION>(pixels.rows);
    cinfo.input_components = pixels.channels();
    cinfo.in_color_space = pixels.channels() == 1 ? JCS_GRAYSCALE : JCS_EXT_BGR;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    cinfo.optimize_coding = TRUE;
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row =
            const_cast<JSAMPLE*>(pixels.ptr<JSAMPLE>(static_cast<int>(cinfo.next_scanline)));
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    return true;
}

}  // namespace

std::vector<std::uint8_t> encode_jpeg(const cv::Mat& pixels, int quality) {
    if (pixels.depth() != CV_8U || (pixels.channels() != 1 && pixels.channels() != 3))
        throw ProcessingError("encode_failed", "JPEG renditions need 8-bit grey or BGR pixels");
    std::vector<std::uint8_t> out;
    VectorDestination dest;
    std::memset(&dest, 0, sizeof dest);
    dest.out = &out;
    dest.pub.init_destination = init_destination;
    dest.pub.empty_output_buffer = empty_output_buffer;
    dest.pub.term_destination = term_destination;
    jpeg_compress_struct cinfo;
    std::memset(&cinfo, 0, sizeof cinfo);
    ErrorManager err;
    std::memset(&err, 0, sizeof err);
    cinfo.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = on_error;
    err.pub.emit_message = on_message;
    bool ok = run_libjpeg(cinfo, err, dest, pixels, quality);
    jpeg_destroy_compress(&cinfo);
    if (!ok) throw ProcessingError("encode_failed", std::string("libjpeg: ") + err.message);
    return out;
}

}  // namespace fotogal::pipeline
