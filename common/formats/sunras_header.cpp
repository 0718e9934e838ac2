// Sun raster: a fixed 32-byte big-endian header after the magic number.
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {
constexpr std::string_view kMagic{"\x59\xa6\x6a\x95", 4};
}  // namespace

bool looks_like_sunras(Bytes b) {
    return ByteReader(b, "Sun raster").matches(0, kMagic);
}

ImageHeader probe_sunras(Bytes b) {
    const ByteReader r(b, display_name(ImageFormat::sunras));
    const auto width = r.need<std::uint32_t>(4, Endian::big, "width");
    const auto height = r.need<std::uint32_t>(8, Endian::big, "height");
    return sized_header(ImageFormat::sunras, width, height);
}

}  // namespace fotogal::formats::detail
