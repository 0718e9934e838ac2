// WebP: a RIFF container whose first chunk says which of three layouts follows. Simple
// lossy (VP8 ) and lossless (VP8L) files carry the size in the bitstream header; extended
// files (VP8X) declare a canvas size and flag animation, EXIF, ICC and alpha.
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::size_t kFirstChunk = 12;
constexpr std::size_t kChunkHeader = 8;
constexpr std::size_t kFirstData = kFirstChunk + kChunkHeader;
constexpr std::uint8_t kAnimationFlag = 0x02;

ImageHeader probe_vp8(const ByteReader& r) {
    // A 3-byte frame tag, then the key frame start code; only key frames carry a size.
    if (!r.matches(kFirstData + 3, "\x9d\x01\x2a")) {
        r.fail("has a VP8 chunk without a key frame start code");
    }
    // The top two bits of each 16-bit field are an upscaling hint, not part of the size.
    const auto width = r.need<std::uint16_t>(kFirstData + 6, Endian::little, "VP8 width");
    const auto height = r.need<std::uint16_t>(kFirstData + 8, Endian::little, "VP8 height");
    return sized_header(ImageFormat::webp, width & 0x3FFFu, height & 0x3FFFu);
}

ImageHeader probe_vp8l(const ByteReader& r) {
    if (r.need_u8(kFirstData, "VP8L signature") != 0x2F) {
        r.fail("has a VP8L chunk without the lossless signature byte");
    }
    // Two 14-bit fields, each storing size - 1, packed LSB first.
    const auto bits = r.need<std::uint32_t>(kFirstData + 1, Endian::little, "VP8L size");
    const std::uint64_t width = (bits & 0x3FFFu) + 1;
    const std::uint64_t height = ((bits >> 14) & 0x3FFFu) + 1;
    return sized_header(ImageFormat::webp, width, height);
}

std::uint32_t u24le(const ByteReader& r, std::size_t offset, std::string_view what) {
    const std::uint32_t lo = r.need<std::uint16_t>(offset, Endian::little, what);
    const std::uint32_t hi = r.need_u8(offset + 2, what);
    return lo | (hi << 16);
}

ImageHeader probe_vp8x(const ByteReader& r) {
    const std::uint8_t flags = r.need_u8(kFirstData, "VP8X flags");
    // Canvas fields store size - 1 in 24 bits, after the flag byte and 3 reserved bytes.
    const std::uint64_t width = std::uint64_t{u24le(r, kFirstData + 4, "canvas width")} + 1;
    const std::uint64_t height = std::uint64_t{u24le(r, kFirstData + 7, "canvas height")} + 1;
    ImageHeader h = sized_header(ImageFormat::webp, width, height);
    h.animated = (flags & kAnimationFlag) != 0;

    // The EXIF chunk normally follows the image data, so walk chunk headers to find it.
    std::size_t pos = kFirstChunk;
    while (r.has(pos, kChunkHeader)) {
        const std::size_t length = *r.u32le(pos + 4);
        const std::size_t data = pos + kChunkHeader;
        if (r.matches(pos, "EXIF")) {
            // Some writers copy the JPEG APP1 payload verbatim, prefix included.
            constexpr std::string_view kExifPrefix{"Exif\0\0", 6};
            if (length > kExifPrefix.size() && r.matches(data, kExifPrefix)) {
                h.exif = exif_range_within(r.bytes(), data + kExifPrefix.size(),
                                           length - kExifPrefix.size());
            } else {
                h.exif = exif_range_within(r.bytes(), data, length);
            }
            break;
        }
        pos = data + length + (length & 1);  // chunks are padded to an even size
    }
    return h;
}

}  // namespace

bool looks_like_webp(Bytes b) {
    const ByteReader r(b, "WebP");
    return r.matches(0, "RIFF") && r.matches(8, "WEBP");
}

ImageHeader probe_webp(Bytes b) {
    const ByteReader r(b, "WebP");
    if (r.matches(kFirstChunk, "VP8 ")) return probe_vp8(r);
    if (r.matches(kFirstChunk, "VP8L")) return probe_vp8l(r);
    if (r.matches(kFirstChunk, "VP8X")) return probe_vp8x(r);
    if (!r.has(kFirstChunk, 4)) r.fail_cut_short("first chunk");
    r.fail("starts with an unknown chunk instead of VP8, VP8L or VP8X");
}

}  // namespace fotogal::formats::detail
