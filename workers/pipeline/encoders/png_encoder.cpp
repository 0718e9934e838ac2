// PNG through libpng: 8-bit grey, BGR or BGRA rows, no ancillary chunk. libpng errors longjmp
// back into run_libpng, which holds no object with a destructor; the write callback turns a
// failed allocation into a libpng error only after its catch has ended.
#include <png.h>

#include <cstdio>
#include <string>

#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct WriteState {
    std::vector<std::uint8_t>* out;
    char message[192];
};

void write_to_vector(png_structp png, png_bytep data, png_size_t n) {
    auto* s = static_cast<WriteState*>(png_get_io_ptr(png));
    bool ok = true;
    try {
        s->out->insert(s->out->end(), data, data + n);
    } catch (...) {
        ok = false;
    }
    if (!ok) png_error(png, "out of memory");
}

void flush_nothing(png_structp) {}

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
    auto* s = static_cast<WriteState*>(png_get_error_ptr(png));
    std::snprintf(s->message, sizeof s->message, "%s", message ? message : "unknown error");
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}

struct WriteStructs {
    png_structp png = nullptr;
    png_infop info = nullptr;
    WriteStructs() = default;
    WriteStructs(const WriteStructs&) = delete;
    WriteStructs& operator=(const WriteStructs&) = delete;
    ~WriteStructs() { png_destroy_write_struct(&png, info ? &info : nullptr); }
};

bool run_libpng(png_structp png, png_infop info, WriteState& state, const cv::Mat& pixels,
                int compression) {
    if (setjmp(png_jmpbuf(png))) return false;
    png_set_write_fn(png, &state, write_to_vector, flush_nothing);
    png_set_compression_level(png, compression);
    int channels = pixels.channels();
    int type = channels == 1   ? PNG_COLOR_TYPE_GRAY
               : channels == 2 ? PNG_COLOR_TYPE_GRAY_ALPHA
               : channels == 3 ? PNG_COLOR_TYPE_RGB
                               : PNG_COLOR_TYPE_RGB_ALPHA;
    png_set_IHDR(png, info, static_cast<png_uint_32>(pixels.cols),
                 static_cast<png_uint_32>(pixels.rows), 8, type, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    if (channels >= 3) png_set_bgr(png);
    for (int y = 0; y < pixels.rows; ++y)
        png_write_row(png, const_cast<png_bytep>(pixels.ptr<png_byte>(y)));
    png_write_end(png, nullptr);
    return true;
}

}  // namespace

std::vector<std::uint8_t> encode_png(const cv::Mat& pixels, int compression) {
    if (pixels.depth() != CV_8U || pixels.channels() < 1 || pixels.channels() > 4)
        throw ProcessingError("encode_failed", "PNG renditions need 8-bit pixels");
    std::vector<std::uint8_t> out;
    WriteState state{&out, {}};
    WriteStructs s;
    s.png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
    if (s.png) s.info = png_create_info_struct(s.png);
    if (!s.png || !s.info) throw std::bad_alloc();
    if (!run_libpng(s.png, s.info, state, pixels, compression))
        throw ProcessingError("encode_failed", std::string("libpng: ") + state.message);
    return out;
}

}  // namespace fotogal::pipeline
