// Sun raster: a 32-byte big-endian header, an optional colour map (R, G and B planes), then
// rows padded to 16 bits, either plain or byte-encoded (0x80 n v: n + 1 copies of v; 0x80 0:
// a literal 0x80). 24- and 32-bit pixels are BGR (XBGR) unless the type says RGB (3), which
// OpenCV could not read.
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

constexpr std::string_view kFormat = "Sun raster";
constexpr std::uint32_t kMagic = 0x59a66a95;
enum Type : std::uint32_t { kOld = 0, kStandard = 1, kByteEncoded = 2, kRgb = 3 };
enum MapType : std::uint32_t { kNoMap = 0, kRgbMap = 1, kRawMap = 2 };
// A run costs 3 bytes and yields at most 256.
constexpr std::uint64_t kMaxRleExpansion = 86;

std::vector<std::uint8_t> unpack_rle(Cursor& in, std::size_t size) {
    std::vector<std::uint8_t> out(size);
    std::size_t at = 0;
    while (at < size) {
        if (in.at_end()) in.fail_truncated("pixel data");
        const std::uint8_t b = in.u8();
        std::size_t count = 1;
        std::uint8_t value = b;
        if (b == 0x80) {
            const std::uint8_t n = in.u8();
            if (n != 0) {
                count = std::size_t{n} + 1;
                value = in.u8();
            }
        }
        // Encoders run across row ends and may overshoot the last one: the excess is dropped.
        for (; count > 0 && at < size; --count) out[at++] = value;
    }
    return out;
}

}  // namespace

DecodedImage decode_sunras(Bytes bytes, const DecodeRequest& request) {
    Cursor in(bytes, kFormat);
    if (in.u32be() != kMagic) fail("undecodable", kFormat, "does not start with its magic number");
    const std::uint32_t width = in.u32be(), height = in.u32be(), depth = in.u32be();
    in.skip(4);  // length of the pixel data: often 0, never trusted
    const std::uint32_t type = in.u32be(), map_type = in.u32be(), map_length = in.u32be();
    if (type > kRgb)
        fail("undecodable", kFormat, "is of type " + std::to_string(type) + " (not supported)");
    if (depth != 1 && depth != 8 && depth != 24 && depth != 32)
        fail("undecodable", kFormat,
             "has " + std::to_string(depth) + " bits per pixel (not supported)");
    if (map_type > kRawMap)
        fail("undecodable", kFormat, "has a colour map of type " + std::to_string(map_type));
    raster::check_size(kFormat, width, height, request);

    raster::Palette palette{};
    bool has_palette = false;
    const std::uint8_t* map = in.take(map_length);
    if (map_type == kRgbMap && map_length >= 3 && depth <= 8) {
        const std::size_t entries = map_length / 3;
        for (std::size_t i = 0; i < entries && i < palette.size(); ++i)
            palette[i] = {map[2 * entries + i], map[entries + i], map[i]};
        has_palette = true;
    } else if (depth == 1) {  // bit set: black
        palette[0] = {255, 255, 255};
    } else if (depth == 8) {
        for (int i = 0; i < 256; ++i) {
            const auto v = static_cast<std::uint8_t>(i);
            palette[i] = {v, v, v};
        }
    }

    const std::uint64_t row_bytes = (std::uint64_t{width} * depth + 7) / 8;
    const std::uint64_t stride = (row_bytes + 1) / 2 * 2;
    const std::uint64_t data_size = stride * height;
    std::vector<std::uint8_t> unpacked;
    const std::uint8_t* data = nullptr;
    if (type == kByteEncoded) {
        raster::check_data_fits(kFormat, (data_size + kMaxRleExpansion - 1) / kMaxRleExpansion,
                                in.remaining());
        unpacked = unpack_rle(in, data_size);
        data = unpacked.data();
    } else {
        raster::check_data_fits(kFormat, data_size, in.remaining());
        data = in.take(data_size);
    }

    const int w = static_cast<int>(width), h = static_cast<int>(height);
    if (depth <= 8) {
        cv::Mat indices(h, w, CV_8UC1);
        for (int y = 0; y < h; ++y) {
            const std::uint8_t* row = data + stride * y;
            std::uint8_t* o = indices.ptr<std::uint8_t>(y);
            for (int x = 0; x < w; ++x)
                o[x] = depth == 8 ? row[x] : (row[x / 8] >> (7 - x % 8) & 1);
        }
        const bool grey = !has_palette || raster::palette_is_grey(palette);
        return raster::finish(raster::apply_palette(indices, palette, grey));
    }
    cv::Mat out(h, w, CV_8UC3);
    const int step = static_cast<int>(depth / 8), skip = depth == 32 ? 1 : 0;
    const bool rgb = type == kRgb;
    for (int y = 0; y < h; ++y) {
        const std::uint8_t* row = data + stride * y;
        std::uint8_t* o = out.ptr<std::uint8_t>(y);
        for (int x = 0; x < w; ++x, o += 3) {
            const std::uint8_t* p = row + step * x + skip;
            o[0] = rgb ? p[2] : p[0];
            o[1] = p[1];
            o[2] = rgb ? p[0] : p[2];
        }
    }
    return raster::finish(std::move(out));
}

}  // namespace fotogal::pipeline
