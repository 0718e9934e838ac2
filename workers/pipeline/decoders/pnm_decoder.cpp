// Netpbm P1-P6: a text header (magic, width, height, maxval except for bitmaps), then the
// samples as decimal text (P1-P3) or binary (P4-P6, big-endian when maxval exceeds 255).
// A maxval below the depth's full scale is stretched to it (v * 255 / maxval, the formula
// OpenCV used for text samples), so a P5 with maxval 15 is not nearly black.
#include <cstdint>
#include <opencv2/core.hpp>
#include <string>

#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/decoders/raster_support.hpp"

namespace fotogal::pipeline {

namespace {

using raster::Cursor;
using raster::fail;

constexpr std::string_view kFormat = "PNM";

struct Layout {
    bool bitmap = false;  // P1/P4: 1 = black
    bool binary = false;
    int channels = 1;
    std::uint32_t maxval = 1;
};

std::uint32_t scaled(std::uint32_t v, std::uint32_t maxval, std::uint32_t full) {
    if (v > maxval) v = maxval;  // out-of-range samples clip, as OpenCV's reader did
    return maxval == full ? v : static_cast<std::uint32_t>(std::uint64_t{v} * full / maxval);
}

void decode_bitmap(Cursor& in, const Layout& layout, cv::Mat& out) {
    const std::size_t row_bytes = (static_cast<std::size_t>(out.cols) + 7) / 8;
    for (int y = 0; y < out.rows; ++y) {
        std::uint8_t* o = out.ptr<std::uint8_t>(y);
        if (layout.binary) {
            const std::uint8_t* row = in.take(row_bytes);
            for (int x = 0; x < out.cols; ++x) o[x] = (row[x / 8] >> (7 - x % 8) & 1) ? 0 : 255;
            continue;
        }
        for (int x = 0; x < out.cols; ++x) {
            // P1 digits need no separators: "0110" is four pixels.
            raster::skip_netpbm_space(in);
            if (in.at_end()) in.fail_truncated("pixels");
            const std::uint8_t c = in.u8();
            if (c != '0' && c != '1')
                fail("undecodable", kFormat, "has a P1 pixel that is not 0 or 1");
            o[x] = c == '1' ? 0 : 255;
        }
    }
}

template <typename T>
void decode_samples(Cursor& in, const Layout& layout, cv::Mat& out) {
    const std::uint32_t full = sizeof(T) == 1 ? 255 : 65535;
    const int n = layout.channels;
    const std::size_t row_samples = static_cast<std::size_t>(out.cols) * n;
    for (int y = 0; y < out.rows; ++y) {
        T* o = out.ptr<T>(y);
        const std::uint8_t* row = layout.binary ? in.take(row_samples * sizeof(T)) : nullptr;
        for (std::size_t i = 0; i < row_samples; ++i) {
            std::uint32_t v;
            if (!row)
                v = static_cast<std::uint32_t>(
                    std::min<std::uint64_t>(raster::read_netpbm_number(in, "pixels"), 65535));
            else if (sizeof(T) == 1)
                v = row[i];
            else
                v = std::uint32_t{row[2 * i]} << 8 | row[2 * i + 1];
            // RGB in the file, BGR in memory.
            const std::size_t at = n == 3 ? i - i % 3 + (2 - i % 3) : i;
            o[at] = static_cast<T>(scaled(v, layout.maxval, full));
        }
    }
}

}  // namespace

DecodedImage decode_pnm(Bytes bytes, const DecodeRequest& request) {
    Cursor in(bytes, kFormat);
    if (bytes.size() < 2 || bytes[0] != 'P' || bytes[1] < '1' || bytes[1] > '6')
        fail("undecodable", kFormat, "does not start with P1..P6");
    const int kind = bytes[1] - '0';
    in.skip(2);
    if (in.at_end()) in.fail_truncated("width");
    if (!raster::is_netpbm_space(*in.peek()) && *in.peek() != '#')
        fail("invalid_header", kFormat, "has no whitespace after its magic number");
    Layout layout;
    layout.binary = kind >= 4;
    layout.bitmap = kind == 1 || kind == 4;
    layout.channels = kind == 3 || kind == 6 ? 3 : 1;
    const std::uint64_t width = raster::read_netpbm_number(in, "width");
    const std::uint64_t height = raster::read_netpbm_number(in, "height");
    if (!layout.bitmap) {
        const std::uint64_t maxval = raster::read_netpbm_number(in, "maximum value");
        if (maxval == 0 || maxval > 65535)
            fail("invalid_header", kFormat,
                 "declares a maximum sample value of " + std::to_string(maxval) +
                     " (must be 1..65535)");
        layout.maxval = static_cast<std::uint32_t>(maxval);
    }
    raster::check_size(kFormat, width, height, request);
    // Exactly one whitespace byte separates the header from binary samples.
    if (layout.binary) {
        if (in.at_end()) in.fail_truncated("pixels");
        if (!raster::is_netpbm_space(in.u8()))
            fail("invalid_header", kFormat, "has no whitespace after its header");
    }
    const int depth_bytes = layout.maxval > 255 ? 2 : 1;
    const std::uint64_t samples = width * height * layout.channels;
    // Text samples take at least one byte each, binary ones their size (bitmaps a bit).
    const std::uint64_t needed = !layout.binary  ? samples
                                 : layout.bitmap ? (width + 7) / 8 * height
                                                 : samples * depth_bytes;
    raster::check_data_fits(kFormat, needed, in.remaining());
    cv::Mat out(static_cast<int>(height), static_cast<int>(width),
                CV_MAKETYPE(depth_bytes == 2 ? CV_16U : CV_8U, layout.channels));
    if (layout.bitmap)
        decode_bitmap(in, layout, out);
    else if (depth_bytes == 2)
        decode_samples<std::uint16_t>(in, layout, out);
    else
        decode_samples<std::uint8_t>(in, layout, out);
    return raster::finish(std::move(out));
}

}  // namespace fotogal::pipeline
