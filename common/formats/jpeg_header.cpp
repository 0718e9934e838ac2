// JPEG: the size lives in the first SOFn segment, which may come after arbitrarily many
// APPn segments (ICC profiles split over dozens of APP2s, MPF, XMP), so the markers are
// walked rather than searched for.
#include <algorithm>

#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::uint8_t kSoi = 0xD8;
constexpr std::uint8_t kEoi = 0xD9;
constexpr std::uint8_t kSos = 0xDA;
constexpr std::uint8_t kApp1 = 0xE1;
constexpr std::uint8_t kTem = 0x01;

// C4 (DHT), C8 (JPG extension) and CC (DAC) sit inside the SOFn range but carry no frame.
bool is_start_of_frame(std::uint8_t m) {
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

bool is_standalone(std::uint8_t m) {
    return m == kTem || (m >= 0xD0 && m <= 0xD7);
}

// Like libjpeg, tolerate stray bytes between segments (some writers pad APP segments) by
// scanning to the next 0xFF that is followed by a real marker code rather than fill or a
// stuffed zero. The scan is capped: a length field pointing into entropy-coded data would
// otherwise walk the whole file. Leaves `pos` on the byte after the marker code.
constexpr std::size_t kMaxStrayBytes = 64 * 1024;

std::uint8_t next_marker(const ByteReader& r, std::size_t& pos) {
    const auto bytes = r.bytes();
    const std::size_t limit = std::min(bytes.size(), pos + kMaxStrayBytes);
    for (;;) {
        if (pos >= limit) {
            if (limit == bytes.size()) r.fail_cut_short("frame header");
            r.fail("has too much data between segments");
        }
        const auto ff = std::find(bytes.begin() + static_cast<std::ptrdiff_t>(pos),
                                  bytes.begin() + static_cast<std::ptrdiff_t>(limit), 0xFF);
        pos = static_cast<std::size_t>(ff - bytes.begin());
        if (pos == limit) continue;
        while (pos < bytes.size() && bytes[pos] == 0xFF) ++pos;
        const std::uint8_t code = r.need_u8(pos, "frame header");
        ++pos;
        if (code != 0x00) return code;
    }
}

}  // namespace

bool looks_like_jpeg(Bytes b) {
    return b.size() >= 3 && b[0] == 0xFF && b[1] == kSoi && b[2] == 0xFF;
}

ImageHeader probe_jpeg(Bytes b) {
    const ByteReader r(b, "JPEG");
    std::optional<ByteRange> exif;
    std::size_t pos = 2;
    for (;;) {
        const std::uint8_t marker = next_marker(r, pos);
        if (is_standalone(marker)) continue;
        if (marker == kSoi) r.fail("has a second start-of-image marker before its frame header");
        if (marker == kEoi) r.fail("ends before declaring a frame size");
        if (marker == kSos) r.fail("starts a scan before declaring a frame size");

        const std::uint16_t length = r.need<std::uint16_t>(pos, Endian::big, "segment length");
        if (length < 2) r.fail("has a segment length shorter than its own length field");

        if (is_start_of_frame(marker)) {
            // Layout after the length: precision (1), height (2), width (2), components (1).
            const auto height = r.need<std::uint16_t>(pos + 3, Endian::big, "frame height");
            const auto width = r.need<std::uint16_t>(pos + 5, Endian::big, "frame width");
            if (height == 0) {
                r.fail("declares a zero height (deferred to a DNL marker, which is not supported)");
            }
            ImageHeader h = sized_header(ImageFormat::jpeg, width, height);
            h.exif = exif;
            return h;
        }

        // Only the first EXIF APP1 counts: MPO and UltraHDR files carry more after the
        // primary image, and XMP also lives in APP1 under a different prefix.
        constexpr std::string_view kExifPrefix{"Exif\0\0", 6};
        if (marker == kApp1 && !exif && length > 2 + kExifPrefix.size() &&
            r.matches(pos + 2, kExifPrefix)) {
            const std::size_t start = pos + 2 + kExifPrefix.size();
            exif = exif_range_within(b, start, length - 2 - kExifPrefix.size());
        }
        pos += length;
    }
}

}  // namespace fotogal::formats::detail
