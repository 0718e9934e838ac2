// PFM (portable float map): Netpbm's header grammar with "PF" (RGB) or "Pf" (grey) as the
// magic; the scale line that follows the size only matters to the decoder.
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

bool looks_like_pfm(Bytes b) {
    if (b.size() < 3 || b[0] != 'P' || (b[1] != 'F' && b[1] != 'f')) return false;
    const std::uint8_t c = b[2];
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

ImageHeader probe_pfm(Bytes b) {
    std::size_t pos = 2;
    const TextSize size = read_netpbm_size(b, pos, display_name(ImageFormat::pfm));
    return sized_header(ImageFormat::pfm, size.width, size.height);
}

}  // namespace fotogal::formats::detail
