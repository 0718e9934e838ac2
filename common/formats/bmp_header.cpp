// BMP: a 14-byte file header, then a DIB header whose own size field says which of the
// historical layouts it is. Only the OS/2 v1 (BITMAPCOREHEADER) layout differs in where
// and how wide the size fields are.
#include <cstdlib>

#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::size_t kDibHeader = 14;
constexpr std::size_t kDibFields = kDibHeader + 4;
constexpr std::uint32_t kCoreHeaderSize = 12;

// BITMAPCOREHEADER (12), OS/2 v2 short and full (16, 64), BITMAPINFOHEADER (40), the
// Adobe bitfield variants (52, 56), V4 (108) and V5 (124).
bool is_known_dib_size(std::uint32_t size) {
    switch (size) {
        case 12:
        case 16:
        case 40:
        case 52:
        case 56:
        case 64:
        case 108:
        case 124:
            return true;
        default:
            return false;
    }
}

}  // namespace

// "BM" alone is two bytes that plenty of text starts with; the DIB header size is part of
// the signature so that only plausible bitmaps reach the probe.
bool looks_like_bmp(Bytes b) {
    const ByteReader r(b, "BMP");
    const auto dib_size = r.u32le(kDibHeader);
    return r.matches(0, "BM") && dib_size && is_known_dib_size(*dib_size);
}

ImageHeader probe_bmp(Bytes b) {
    const ByteReader r(b, "BMP");
    const auto dib_size = r.need<std::uint32_t>(kDibHeader, Endian::little, "DIB header size");
    if (dib_size == kCoreHeaderSize) {
        const auto width = r.need<std::uint16_t>(kDibFields, Endian::little, "width");
        const auto height = r.need<std::uint16_t>(kDibFields + 2, Endian::little, "height");
        return sized_header(ImageFormat::bmp, width, height);
    }
    const auto width =
        static_cast<std::int32_t>(r.need<std::uint32_t>(kDibFields, Endian::little, "width"));
    const auto height =
        static_cast<std::int32_t>(r.need<std::uint32_t>(kDibFields + 4, Endian::little, "height"));
    if (width < 0) r.fail("declares a negative width");
    // A negative height only means the rows are stored top-down. Widened first so that
    // the absolute value of INT32_MIN does not overflow.
    return sized_header(ImageFormat::bmp, static_cast<std::uint64_t>(width),
                        static_cast<std::uint64_t>(std::llabs(std::int64_t{height})));
}

}  // namespace fotogal::formats::detail
