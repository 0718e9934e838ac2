// Signature sniffing and the per-format header probes (common/formats/) on arbitrary bytes.
// Contract: sniff_format never throws; probe_header returns nullopt, a header, or throws
// InvalidHeader — any other exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "common/formats/image_header.hpp"

namespace fmt = fotogal::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    auto sniffed = fmt::sniff_format(bytes);
    try {
        auto header = fmt::probe_header(bytes);
        if (header.has_value() != sniffed.has_value() || (header && header->format != *sniffed))
            std::abort();  // the probe must agree with the sniffer on what the bytes are
        if (header && (header->width == 0 || header->height == 0)) std::abort();
        if (header && header->exif &&
            (header->exif->offset > size || header->exif->size > size - header->exif->offset))
            std::abort();  // callers index the buffer with this range
    } catch (const fmt::InvalidHeader&) {
        if (!sniffed) std::abort();  // only a recognised signature can have a broken header
    }
    return 0;
}
