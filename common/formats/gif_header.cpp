// GIF: the logical screen size is only a hint. Decoders such as Pillow grow the canvas to
// fit any frame that extends past it, so a 44-byte file with a 32x32 screen and one frame
// at top 65280, height 1321 decodes as 65535x66601. The probe reports that extent so that
// pixel limits downstream see what a decoder would actually allocate.
#include <algorithm>

#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::size_t kScreenDescriptor = 6;
constexpr std::size_t kAfterScreen = 13;
constexpr std::uint8_t kImageSeparator = 0x2C;
constexpr std::uint8_t kExtensionIntroducer = 0x21;
constexpr std::uint8_t kColorTableFlag = 0x80;
// Caps the walk on files made of millions of tiny sub-blocks: "animated" is a hint that
// may come out false on such files, the size never depends on the walk.
constexpr std::size_t kMaxSubBlocks = 1 << 16;

std::size_t color_table_bytes(std::uint8_t flags) {
    if ((flags & kColorTableFlag) == 0) return 0;
    return std::size_t{3} << ((flags & 0x07) + 1);
}

// Skips a chain of length-prefixed sub-blocks ending in a zero length. Returns false when
// the chain runs past the buffer or the budget.
bool skip_sub_blocks(const ByteReader& r, std::size_t& pos, std::size_t& budget) {
    for (;;) {
        const auto length = r.u8(pos);
        if (!length || budget == 0) return false;
        --budget;
        pos += std::size_t{*length} + 1;
        if (*length == 0) return true;
    }
}

// From `pos`, skips extensions to the next image descriptor. Returns false at the trailer,
// at the end of the buffer, or on anything that is not a GIF block.
bool find_image_descriptor(const ByteReader& r, std::size_t& pos, std::size_t& budget) {
    for (;;) {
        const auto block = r.u8(pos);
        if (!block) return false;
        if (*block == kImageSeparator) return true;
        if (*block != kExtensionIntroducer) return false;  // trailer or garbage
        pos += 2;                                          // introducer and label
        if (!skip_sub_blocks(r, pos, budget)) return false;
    }
}

}  // namespace

bool looks_like_gif(Bytes b) {
    const ByteReader r(b, "GIF");
    return r.matches(0, "GIF87a") || r.matches(0, "GIF89a");
}

ImageHeader probe_gif(Bytes b) {
    const ByteReader r(b, "GIF");
    std::uint64_t width = r.need<std::uint16_t>(kScreenDescriptor, Endian::little, "screen width");
    std::uint64_t height =
        r.need<std::uint16_t>(kScreenDescriptor + 2, Endian::little, "screen height");
    const std::uint8_t screen_flags = r.need_u8(kScreenDescriptor + 4, "screen flags");

    std::size_t pos = kAfterScreen + color_table_bytes(screen_flags);
    std::size_t budget = kMaxSubBlocks;
    bool animated = false;
    if (find_image_descriptor(r, pos, budget)) {
        // Descriptor: separator, left, top, width, height (16-bit LE each), flags.
        const auto left = r.u16le(pos + 1);
        const auto top = r.u16le(pos + 3);
        const auto frame_w = r.u16le(pos + 5);
        const auto frame_h = r.u16le(pos + 7);
        const auto flags = r.u8(pos + 9);
        if (left && top && frame_w && frame_h) {
            width = std::max<std::uint64_t>(width, std::uint64_t{*left} + *frame_w);
            height = std::max<std::uint64_t>(height, std::uint64_t{*top} + *frame_h);
        }
        if (flags) {
            // Then the local colour table, the LZW code size byte and the image data.
            pos += 10 + color_table_bytes(*flags) + 1;
            animated = skip_sub_blocks(r, pos, budget) && find_image_descriptor(r, pos, budget);
        }
    }
    ImageHeader h = sized_header(ImageFormat::gif, width, height);
    h.animated = animated;
    return h;
}

}  // namespace fotogal::formats::detail
