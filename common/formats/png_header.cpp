// PNG: IHDR must be the first chunk, so the size is at a fixed offset. The chunk list is
// still walked (by length, never by reading payloads) because eXIf may come after IDAT.
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::string_view kSignature{"\x89PNG\r\n\x1a\n", 8};
// The length and type of the IHDR chunk that must follow the signature.
constexpr std::string_view kIhdrStart{"\0\0\0\x0dIHDR", 8};
constexpr std::size_t kIhdrData = 16;
constexpr std::size_t kFirstChunkAfterIhdr = kIhdrData + 13 + 4;
// The PNG spec caps chunk lengths at 2^31 - 1; anything larger is garbage, not a chunk.
constexpr std::uint32_t kMaxChunkLength = 0x7FFFFFFF;

}  // namespace

// Eight signature bytes alone are not enough: a file with the PNG signature followed by
// random bytes (bad/broken_80B.png) is not a PNG anyone can decode, so the fixed IHDR
// chunk header is part of the signature.
bool looks_like_png(Bytes b) {
    const ByteReader r(b, "PNG");
    return r.matches(0, kSignature) && r.matches(kSignature.size(), kIhdrStart);
}

ImageHeader probe_png(Bytes b) {
    const ByteReader r(b, "PNG");
    const auto width = r.need<std::uint32_t>(kIhdrData, Endian::big, "width");
    const auto height = r.need<std::uint32_t>(kIhdrData + 4, Endian::big, "height");
    ImageHeader h = sized_header(ImageFormat::png, width, height);

    std::size_t pos = kFirstChunkAfterIhdr;
    while (r.has(pos, 8)) {
        const std::uint32_t length = *r.u32be(pos);
        if (length > kMaxChunkLength) break;
        const std::size_t data = pos + 8;
        if (r.matches(pos + 4, "IEND")) break;
        if (r.matches(pos + 4, "acTL")) h.animated = true;
        if (r.matches(pos + 4, "eXIf") && !h.exif) {
            // Early writers kept the JPEG-style "Exif\0\0" prefix inside the chunk.
            constexpr std::string_view kExifPrefix{"Exif\0\0", 6};
            if (length > kExifPrefix.size() && r.matches(data, kExifPrefix)) {
                h.exif =
                    exif_range_within(b, data + kExifPrefix.size(), length - kExifPrefix.size());
            } else {
                h.exif = exif_range_within(b, data, length);
            }
        }
        pos = data + std::size_t{length} + 4;  // payload, then CRC
    }
    return h;
}

}  // namespace fotogal::formats::detail
