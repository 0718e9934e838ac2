#include "workers/pipeline/decoders/raster_support.hpp"

#include <algorithm>
#include <climits>
#include <opencv2/core.hpp>

#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline::raster {

void fail(std::string code, std::string_view format, std::string_view problem) {
    throw ProcessingError(std::move(code),
                          "the " + std::string(format) + " file " + std::string(problem));
}

void Cursor::fail_truncated(std::string_view what) const {
    fail("truncated", format_, "ends before its " + std::string(what) + " (cut short)");
}

void Cursor::skip(std::size_t count) {
    if (count > remaining()) fail_truncated("data");
    pos_ += count;
}

const std::uint8_t* Cursor::take(std::size_t count) {
    if (count > remaining()) fail_truncated("pixel data");
    const std::uint8_t* at = bytes_.data() + pos_;
    pos_ += count;
    return at;
}

std::uint8_t Cursor::u8() {
    return *take(1);
}

std::uint16_t Cursor::u16le() {
    const std::uint8_t* p = take(2);
    return static_cast<std::uint16_t>(p[0] | p[1] << 8);
}

std::uint32_t Cursor::u32le() {
    const std::uint8_t* p = take(4);
    return std::uint32_t{p[0]} | std::uint32_t{p[1]} << 8 | std::uint32_t{p[2]} << 16 |
           std::uint32_t{p[3]} << 24;
}

std::uint32_t Cursor::u32be() {
    const std::uint8_t* p = take(4);
    return std::uint32_t{p[3]} | std::uint32_t{p[2]} << 8 | std::uint32_t{p[1]} << 16 |
           std::uint32_t{p[0]} << 24;
}

void check_size(std::string_view format, std::uint64_t width, std::uint64_t height,
                const DecodeRequest& request) {
    if (width == 0 || height == 0) fail("invalid_header", format, "declares an empty picture");
    if (width > INT_MAX || height > INT_MAX)
        fail("too_many_pixels", format,
             "declares a picture of " + std::to_string(width) + " x " + std::to_string(height) +
                 " pixels, wider or taller than any decoder can hold");
    const std::uint64_t limit = request.max_pixels ? request.max_pixels : kDefaultMaxPixels;
    if (width * height > limit)
        fail("too_many_pixels", format,
             "declares " + std::to_string(width) + " x " + std::to_string(height) +
                 " pixels, more than the limit of " + std::to_string(limit));
}

void check_data_fits(std::string_view format, std::uint64_t needed, std::uint64_t available) {
    if (needed > available)
        fail("truncated", format,
             "is cut short: its pixels need " + std::to_string(needed) + " bytes, " +
                 std::to_string(available) + " are left");
}

bool is_netpbm_space(std::uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void skip_netpbm_space(Cursor& in) {
    while (!in.at_end()) {
        const std::uint8_t c = *in.peek();
        if (is_netpbm_space(c)) {
            in.skip(1);
        } else if (c == '#') {
            while (!in.at_end() && *in.peek() != '\n' && *in.peek() != '\r') in.skip(1);
        } else {
            return;
        }
    }
}

std::uint64_t read_netpbm_number(Cursor& in, std::string_view what) {
    skip_netpbm_space(in);
    if (in.at_end()) in.fail_truncated(what);
    const std::uint8_t first = *in.peek();
    if (first == '-')
        fail("invalid_header", in.format(), "declares a negative " + std::string(what));
    if (first < '0' || first > '9')
        fail("invalid_header", in.format(), "has a non-numeric " + std::string(what));
    constexpr std::uint64_t kSaturated = std::uint64_t{1} << 40;
    std::uint64_t value = 0;
    while (!in.at_end() && *in.peek() >= '0' && *in.peek() <= '9') {
        value = std::min(kSaturated, value * 10 + (in.u8() - '0'));
    }
    return value;
}

bool palette_is_grey(const Palette& palette) {
    for (const PaletteEntry& e : palette)
        if (e.b != e.g || e.b != e.r) return false;
    return true;
}

cv::Mat apply_palette(const cv::Mat& indices, const Palette& palette, bool grey) {
    cv::Mat out(indices.rows, indices.cols, grey ? CV_8UC1 : CV_8UC3);
    for (int y = 0; y < indices.rows; ++y) {
        const std::uint8_t* in = indices.ptr<std::uint8_t>(y);
        std::uint8_t* o = out.ptr<std::uint8_t>(y);
        for (int x = 0; x < indices.cols; ++x) {
            const PaletteEntry& e = palette[in[x]];
            if (grey) {
                o[x] = e.b;
            } else {
                o[3 * x] = e.b;
                o[3 * x + 1] = e.g;
                o[3 * x + 2] = e.r;
            }
        }
    }
    return out;
}

DecodedImage finish(cv::Mat pixels) {
    DecodedImage out;
    const int channels = pixels.channels();
    out.colour.model = channels <= 2 ? ColourModel::grey : ColourModel::bgr;
    out.colour.has_alpha = channels == 2 || channels == 4;
    out.pixels = std::move(pixels);
    return out;
}

}  // namespace fotogal::pipeline::raster
