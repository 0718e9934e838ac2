#include "workers/pipeline/jpeg_completeness.hpp"

#include <cstddef>

namespace fotogal::pipeline {

bool jpeg_is_complete(std::span<const std::uint8_t> d) {
    std::size_t pos = 2;  // after SOI
    // Walk the marker segments to the first start-of-scan; EXIF thumbnails inside APP1 carry
    // their own end markers, so only what follows the scan counts.
    for (;;) {
        while (pos < d.size() && d[pos] == 0xFF) ++pos;  // marker prefix and fill bytes
        if (pos >= d.size()) return false;
        std::uint8_t marker = d[pos++];
        if (marker == 0xDA) break;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length
        if (pos + 2 > d.size()) return false;
        std::size_t length = static_cast<std::size_t>(d[pos]) << 8 | d[pos + 1];
        if (length < 2) return false;
        pos += length;
    }
    // Entropy-coded data escapes 0xFF as FF 00, so FF D9 there is the real end marker.
    for (std::size_t i = pos; i + 1 < d.size(); ++i)
        if (d[i] == 0xFF && d[i + 1] == 0xD9) return true;
    return false;
}

}  // namespace fotogal::pipeline
