// Radiance RGBE (.hdr): text header lines up to an empty line, a resolution line ("-Y 85
// +X 128" for the usual top-down, left-to-right order; the other seven orders too), then one
// scanline after another, each flat, old-style run-length ((1,1,1,n) repeats the previous
// pixel) or new-style (2,2,width; then R, G, B and E each run-length coded). Pixels become
// float BGR as OpenCV converted them: mantissa * 2^(exponent - 136).
#include <cmath>
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/decoders/raster_support.hpp"

namespace fotogal::pipeline {

namespace {

using raster::Cursor;
using raster::fail;

constexpr std::string_view kFormat = "Radiance HDR";
constexpr std::size_t kMaxHeaderLine = 4096;

struct Axis {
    char letter = 0;
    bool increasing = false;  // '+'
    std::uint64_t size = 0;
};

std::string read_line(Cursor& in) {
    std::string line;
    for (;;) {
        if (in.at_end()) in.fail_truncated("header");
        const auto c = static_cast<char>(in.u8());
        if (c == '\n') return line;
        if (line.size() == kMaxHeaderLine)
            fail("invalid_header", kFormat, "has a header line longer than 4 KiB");
        line.push_back(c);
    }
}

Axis parse_axis(const std::string& line, std::size_t& pos) {
    while (pos < line.size() && line[pos] == ' ') ++pos;
    if (pos + 2 > line.size() || (line[pos] != '+' && line[pos] != '-') ||
        (line[pos + 1] != 'X' && line[pos + 1] != 'Y'))
        fail("invalid_header", kFormat, "has a malformed resolution line '" + line + "'");
    Axis axis{line[pos + 1], line[pos] == '+', 0};
    pos += 2;
    while (pos < line.size() && line[pos] == ' ') ++pos;
    const std::size_t digits = pos;
    while (pos < line.size() && line[pos] >= '0' && line[pos] <= '9' && pos - digits < 12)
        axis.size = axis.size * 10 + static_cast<std::uint64_t>(line[pos++] - '0');
    if (pos == digits) fail("invalid_header", kFormat, "has a resolution line without a size");
    return axis;
}

void to_float(const std::uint8_t rgbe[4], float* bgr) {
    if (!rgbe[3]) {
        bgr[0] = bgr[1] = bgr[2] = 0.f;
        return;
    }
    const auto f = static_cast<float>(std::ldexp(1.0, rgbe[3] - (128 + 8)));
    bgr[0] = rgbe[2] * f;
    bgr[1] = rgbe[1] * f;
    bgr[2] = rgbe[0] * f;
}

[[noreturn]] void corrupt(std::string_view what) {
    fail("undecodable", kFormat, "has a corrupt scanline (" + std::string(what) + ")");
}

// New-style: the four components one after another, each as runs (count > 128: one value
// repeated count - 128 times) and literals (count bytes).
void read_rle_scanline(Cursor& in, std::vector<std::uint8_t>& planes, int width) {
    for (int c = 0; c < 4; ++c) {
        std::uint8_t* plane = planes.data() + static_cast<std::size_t>(c) * width;
        int x = 0;
        while (x < width) {
            int count = in.u8();
            if (count > 128) {
                count -= 128;
                if (count > width - x) corrupt("run past its end");
                const std::uint8_t value = in.u8();
                for (int i = 0; i < count; ++i) plane[x++] = value;
            } else {
                if (count == 0 || count > width - x) corrupt("literal past its end");
                const std::uint8_t* literal = in.take(static_cast<std::size_t>(count));
                for (int i = 0; i < count; ++i) plane[x++] = literal[i];
            }
        }
    }
}

void read_scanline(Cursor& in, std::vector<std::uint8_t>& planes, float* out, int width) {
    const std::uint8_t* first = in.take(4);
    if (width >= 8 && width <= 0x7fff && first[0] == 2 && first[1] == 2 && !(first[2] & 0x80)) {
        if ((first[2] << 8 | first[3]) != width) corrupt("its width differs from the picture's");
        read_rle_scanline(in, planes, width);
        for (int x = 0; x < width; ++x) {
            const std::uint8_t rgbe[4] = {planes[x], planes[width + x], planes[2 * width + x],
                                          planes[3 * width + x]};
            to_float(rgbe, out + 3 * x);
        }
        return;
    }
    // Flat, possibly with old-style repeats; each repeat marker in a row shifts its count by
    // 8 more bits.
    int x = 0, shift = 0;
    const std::uint8_t* px = first;
    for (;;) {
        if (px[0] == 1 && px[1] == 1 && px[2] == 1) {
            if (x == 0) corrupt("a repeat before any pixel");
            const std::uint64_t count = std::uint64_t{px[3]} << shift;
            if (shift > 24 || count > static_cast<std::uint64_t>(width - x))
                corrupt("a repeat past its end");
            for (std::uint64_t i = 0; i < count; ++i, ++x)
                for (int k = 0; k < 3; ++k) out[3 * x + k] = out[3 * (x - 1) + k];
            shift += 8;
        } else {
            to_float(px, out + 3 * x++);
            shift = 0;
        }
        if (x >= width) return;
        px = in.take(4);
    }
}

}  // namespace

DecodedImage decode_hdr(Bytes bytes, const DecodeRequest& request) {
    Cursor in(bytes, kFormat);
    const std::string magic = read_line(in);
    if (magic.rfind("#?", 0) != 0) fail("undecodable", kFormat, "does not start with #?");
    for (;;) {
        const std::string line = read_line(in);
        if (line.empty()) break;
        if (line.rfind("FORMAT=", 0) == 0 && line != "FORMAT=32-bit_rle_rgbe")
            fail("undecodable", kFormat, "stores " + line.substr(7) + " (only RGBE is supported)");
    }
    const std::string resolution = read_line(in);
    std::size_t pos = 0;
    const Axis major = parse_axis(resolution, pos);
    const Axis minor = parse_axis(resolution, pos);
    if (major.letter == minor.letter)
        fail("invalid_header", kFormat, "names the same axis twice in its resolution line");
    const Axis& x_axis = major.letter == 'X' ? major : minor;
    const Axis& y_axis = major.letter == 'Y' ? major : minor;
    raster::check_size(kFormat, x_axis.size, y_axis.size, request);
    // New-style runs code at most 127 bytes of one component in 2, so a pixel costs at least
    // 1/16 byte; only chained old-style repeats compress further, and beyond 64 pixels a
    // byte we refuse them rather than allocate for a file that cannot hold the picture.
    raster::check_data_fits(kFormat, x_axis.size * y_axis.size / 64, in.remaining());

    // Scanlines run along the minor axis; decode in file order, then turn into place.
    cv::Mat file_order(static_cast<int>(major.size), static_cast<int>(minor.size), CV_32FC3);
    std::vector<std::uint8_t> planes(static_cast<std::size_t>(minor.size) * 4);
    for (int line = 0; line < file_order.rows; ++line)
        read_scanline(in, planes, file_order.ptr<float>(line), file_order.cols);
    cv::Mat out = file_order;
    if (major.letter == 'X') cv::transpose(file_order, out);
    // Y grows upwards: "-Y" is top to bottom. X grows to the right.
    if (y_axis.increasing && x_axis.increasing) cv::flip(out, out, 0);
    if (!y_axis.increasing && !x_axis.increasing) cv::flip(out, out, 1);
    if (y_axis.increasing && !x_axis.increasing) cv::flip(out, out, -1);
    return raster::finish(std::move(out));
}

}  // namespace fotogal::pipeline
