// BMP: the OS/2 core header (12 bytes), OS/2 v2 and the Windows INFO/V2-V5 headers. Rows are
// padded to 4 bytes and stored bottom-up unless the height is negative. Palette pictures go
// through a plane of indices (also what the RLE codes fill), the rest are unpacked per pixel.
// Uncompressed pixels must fit in the file before anything is allocated; RLE pictures may
// legally end early (end-of-bitmap), so for them only the pixel limit bounds the allocation.
#include <bit>
#include <cstdint>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "workers/pipeline/decoders/bmp_rle.hpp"
#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/decoders/raster_support.hpp"

namespace fotogal::pipeline {

namespace {

using raster::Cursor;
using raster::fail;

constexpr std::string_view kFormat = "BMP";
constexpr std::size_t kFileHeader = 14;
constexpr std::uint32_t kCoreHeader = 12;

enum Compression : std::uint32_t {
    kRgb = 0,
    kRle8 = 1,
    kRle4 = 2,
    kBitfields = 3,
    kAlphaBitfields = 6,
};

struct BmpInfo {
    std::uint32_t data_offset = 0;
    std::uint32_t header_size = 0;
    std::int64_t width = 0, height = 0;
    bool bottom_up = true;
    int bpp = 0;
    std::uint32_t compression = kRgb;
    std::uint32_t colours_used = 0;
    std::uint32_t masks[4] = {};  // red, green, blue, alpha
};

// A channel stored under a bit mask, scaled to 0..255 (5 bits v -> v * 255 / 31: white stays
// white, where OpenCV shifted left and made it 248).
struct Channel {
    std::uint32_t mask = 0;
    int shift = 0;
    std::uint64_t max = 0;

    explicit Channel(std::uint32_t m) : mask(m) {
        if (!m) return;
        shift = std::countr_zero(m);
        max = (std::uint64_t{m} >> shift);
    }
    std::uint8_t operator()(std::uint32_t pixel) const {
        if (!max) return 0;
        const std::uint64_t v = (pixel & mask) >> shift;
        return static_cast<std::uint8_t>((std::min(v, max) * 255 + max / 2) / max);
    }
};

BmpInfo read_info(Cursor& in) {
    BmpInfo info;
    if (in.u8() != 'B' || in.u8() != 'M') fail("undecodable", kFormat, "does not start with BM");
    in.skip(8);
    info.data_offset = in.u32le();
    info.header_size = in.u32le();
    if (info.header_size == kCoreHeader) {
        info.width = in.u16le();
        info.height = in.u16le();
        in.skip(2);  // planes
        info.bpp = in.u16le();
        return info;
    }
    if (info.header_size < 16)
        fail("invalid_header", kFormat,
             "has a DIB header of " + std::to_string(info.header_size) + " bytes (unknown)");
    info.width = static_cast<std::int32_t>(in.u32le());
    const auto height = static_cast<std::int32_t>(in.u32le());
    info.bottom_up = height > 0;
    info.height = height < 0 ? -std::int64_t{height} : height;
    in.skip(2);  // planes
    info.bpp = in.u16le();
    const std::size_t dib = kFileHeader;
    if (info.header_size >= 20) info.compression = in.u32le();
    // OS/2 v2 numbers its Huffman and RLE24 codes 3 and 4, which mean other things here.
    if ((info.header_size == 16 || info.header_size == 64) && info.compression >= kBitfields)
        fail("undecodable", kFormat, "uses OS/2 Huffman or RLE24 compression (not supported)");
    if (info.header_size >= 36) {
        in.seek(dib + 32);
        info.colours_used = in.u32le();
    }
    const bool bitfields = info.compression == kBitfields || info.compression == kAlphaBitfields;
    if (info.header_size >= 52 || (bitfields && info.header_size == 40)) {
        // V2+ headers hold the masks; a plain INFO header is followed by them.
        in.seek(dib + 40);
        const int count = info.header_size >= 56 || info.compression == kAlphaBitfields ? 4 : 3;
        for (int i = 0; i < count; ++i) info.masks[i] = in.u32le();
    }
    if (!bitfields) {  // masks only count with bit-field compression
        for (auto& m : info.masks) m = 0;
    }
    return info;
}

// Where the palette starts: after the header, and after the masks a plain INFO header is
// followed by.
std::size_t palette_offset(const BmpInfo& info) {
    std::size_t offset = kFileHeader + info.header_size;
    if (info.header_size == 40 && info.compression == kBitfields) offset += 12;
    if (info.header_size == 40 && info.compression == kAlphaBitfields) offset += 16;
    return offset;
}

raster::Palette read_palette(Bytes bytes, const BmpInfo& info) {
    raster::Palette palette{};
    const std::size_t max_entries = std::size_t{1} << info.bpp;
    std::size_t entries = info.colours_used ? info.colours_used : max_entries;
    if (entries > max_entries) entries = max_entries;  // a larger count cannot be indexed
    const std::size_t entry_size = info.header_size == kCoreHeader ? 3 : 4;
    Cursor in(bytes, kFormat, palette_offset(info));
    for (std::size_t i = 0; i < entries; ++i) {
        const std::uint8_t* e = in.take(entry_size);
        palette[i] = {e[0], e[1], e[2]};
    }
    return palette;
}

void unpack_indices(const std::uint8_t* row, int bpp, cv::Mat& indices, int y) {
    std::uint8_t* out = indices.ptr<std::uint8_t>(y);
    const int per_byte = 8 / bpp;
    const int mask = (1 << bpp) - 1;
    for (int x = 0; x < indices.cols; ++x) {
        const int shift = 8 - bpp * (x % per_byte + 1);
        out[x] = static_cast<std::uint8_t>(row[x / per_byte] >> shift & mask);
    }
}

cv::Mat decode_direct(const std::uint8_t* data, std::uint64_t stride, const BmpInfo& info,
                      int width, int height) {
    const bool bitfields = info.compression == kBitfields || info.compression == kAlphaBitfields;
    std::uint32_t masks[4] = {info.masks[0], info.masks[1], info.masks[2], info.masks[3]};
    if (!bitfields && info.bpp == 16) masks[0] = 0x7C00, masks[1] = 0x03E0, masks[2] = 0x001F;
    if (!bitfields && info.bpp == 32) masks[0] = 0xFF0000, masks[1] = 0xFF00, masks[2] = 0xFF;
    // Only an alpha mask (V3+ header, ALPHABITFIELDS) makes the fourth byte alpha; with
    // BI_RGB, or three masks, it is padding. OpenCV returned BGRA for every 32-bit BITFIELDS
    // file, which made those without an alpha mask invisible (alpha 0).
    const bool alpha = info.bpp != 24 && bitfields && masks[3] != 0;
    const Channel r(masks[0]), g(masks[1]), b(masks[2]), a(masks[3]);
    cv::Mat out(height, width, alpha ? CV_8UC4 : CV_8UC3);
    const int n = out.channels();
    bool any_alpha = false;
    for (int file_row = 0; file_row < height; ++file_row) {
        const std::uint8_t* in = data + stride * file_row;
        std::uint8_t* o = out.ptr<std::uint8_t>(info.bottom_up ? height - 1 - file_row : file_row);
        for (int x = 0; x < width; ++x, o += n) {
            if (info.bpp == 24) {
                o[0] = in[3 * x], o[1] = in[3 * x + 1], o[2] = in[3 * x + 2];
                continue;
            }
            std::uint32_t px;
            if (info.bpp == 16)
                px = in[2 * x] | std::uint32_t{in[2 * x + 1]} << 8;
            else
                px = in[4 * x] | std::uint32_t{in[4 * x + 1]} << 8 |
                     std::uint32_t{in[4 * x + 2]} << 16 | std::uint32_t{in[4 * x + 3]} << 24;
            o[0] = b(px), o[1] = g(px), o[2] = r(px);
            if (alpha) {
                o[3] = a(px);
                any_alpha |= o[3] != 0;
            }
        }
    }
    // Writers that declare an alpha mask but leave it all zero mean an opaque picture, not an
    // invisible one (browsers read them so).
    if (alpha && !any_alpha) cv::cvtColor(out, out, cv::COLOR_BGRA2BGR);
    return out;
}

}  // namespace

DecodedImage decode_bmp(Bytes bytes, const DecodeRequest& request) {
    Cursor header(bytes, kFormat);
    const BmpInfo info = read_info(header);
    const bool rle = info.compression == kRle8 || info.compression == kRle4;
    const bool valid =
        (info.compression == kRgb && (info.bpp == 1 || info.bpp == 4 || info.bpp == 8 ||
                                      info.bpp == 16 || info.bpp == 24 || info.bpp == 32)) ||
        (info.compression == kRle8 && info.bpp == 8) ||
        (info.compression == kRle4 && info.bpp == 4) ||
        ((info.compression == kBitfields || info.compression == kAlphaBitfields) &&
         (info.bpp == 16 || info.bpp == 32));
    if (!valid)
        fail("undecodable", kFormat,
             "uses " + std::to_string(info.bpp) + " bits per pixel with compression " +
                 std::to_string(info.compression) + " (not supported)");
    if (info.width <= 0) fail("invalid_header", kFormat, "declares a zero or negative width");
    raster::check_size(kFormat, static_cast<std::uint64_t>(info.width),
                       static_cast<std::uint64_t>(info.height), request);
    const int width = static_cast<int>(info.width), height = static_cast<int>(info.height);
    if (info.data_offset > bytes.size()) header.fail_truncated("pixel data");
    const std::uint64_t available = bytes.size() - info.data_offset;
    const std::uint64_t row_bytes =
        (std::uint64_t{static_cast<std::uint32_t>(width)} * info.bpp + 7) / 8;
    const std::uint64_t stride = (row_bytes + 3) / 4 * 4;
    // The last row's padding is often left out.
    if (!rle) raster::check_data_fits(kFormat, stride * (height - 1) + row_bytes, available);

    if (info.bpp > 8) {
        return raster::finish(
            decode_direct(bytes.data() + info.data_offset, stride, info, width, height));
    }
    const raster::Palette palette = read_palette(bytes, info);
    cv::Mat indices = cv::Mat::zeros(height, width, CV_8UC1);
    if (rle) {
        Cursor data(bytes, kFormat, info.data_offset);
        raster::decode_bmp_rle(data, indices, info.compression == kRle4, info.bottom_up);
    } else {
        for (int file_row = 0; file_row < height; ++file_row)
            unpack_indices(bytes.data() + info.data_offset + stride * file_row, info.bpp, indices,
                           info.bottom_up ? height - 1 - file_row : file_row);
    }
    return raster::finish(
        raster::apply_palette(indices, palette, raster::palette_is_grey(palette)));
}

}  // namespace fotogal::pipeline
