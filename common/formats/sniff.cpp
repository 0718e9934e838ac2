// Format detection by signature only: file names and declared media types lie (the corpus
// has a JPEG named .png and a WebP named .jpg), the first bytes do not.
#include <array>
#include <string>

#include "common/formats/image_header.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats {

namespace {

struct FormatInfo {
    ImageFormat format;
    std::string_view name;
    std::string_view display;
    std::string_view media_type;
    std::string_view extension;
};

constexpr std::array<FormatInfo, 13> kInfo{{
    {ImageFormat::jpeg, "jpeg", "JPEG", "image/jpeg", "jpg"},
    {ImageFormat::png, "png", "PNG", "image/png", "png"},
    {ImageFormat::webp, "webp", "WebP", "image/webp", "webp"},
    {ImageFormat::gif, "gif", "GIF", "image/gif", "gif"},
    {ImageFormat::bmp, "bmp", "BMP", "image/bmp", "bmp"},
    {ImageFormat::tiff, "tiff", "TIFF", "image/tiff", "tif"},
    {ImageFormat::pnm, "pnm", "PNM", "image/x-portable-anymap", "pnm"},
    {ImageFormat::pfm, "pfm", "PFM", "image/x-portable-floatmap", "pfm"},
    {ImageFormat::jp2, "jp2", "JPEG 2000", "image/jp2", "jp2"},
    {ImageFormat::heic, "heic", "HEIC", "image/heic", "heic"},
    {ImageFormat::avif, "avif", "AVIF", "image/avif", "avif"},
    {ImageFormat::hdr, "hdr", "Radiance HDR", "image/vnd.radiance", "hdr"},
    {ImageFormat::sunras, "sunras", "Sun raster", "image/x-sun-raster", "ras"},
}};

const FormatInfo& info(ImageFormat f) {
    for (const auto& i : kInfo) {
        if (i.format == f) return i;
    }
    // Only reachable with a value cast from outside the enum's range.
    static constexpr FormatInfo unknown{ImageFormat::jpeg, "unknown", "image",
                                        "application/octet-stream", "bin"};
    return unknown;
}

struct Prober {
    ImageFormat format;
    bool (*looks_like)(detail::Bytes);
    ImageHeader (*probe)(detail::Bytes);
};

// Tried in order. The signatures are mutually exclusive (PNM needs 1-6 after the 'P', PFM an
// F or f; JP2's ftyp box is not at offset 4 where HEIF's must be), so the order only puts
// the formats users upload most often first.
constexpr std::array<Prober, 13> kProbers{{
    {ImageFormat::jpeg, detail::looks_like_jpeg, detail::probe_jpeg},
    {ImageFormat::png, detail::looks_like_png, detail::probe_png},
    {ImageFormat::webp, detail::looks_like_webp, detail::probe_webp},
    {ImageFormat::gif, detail::looks_like_gif, detail::probe_gif},
    {ImageFormat::tiff, detail::looks_like_tiff, detail::probe_tiff},
    {ImageFormat::bmp, detail::looks_like_bmp, detail::probe_bmp},
    {ImageFormat::jp2, detail::looks_like_jp2, detail::probe_jp2},
    {ImageFormat::avif, detail::looks_like_avif, detail::probe_heif},
    {ImageFormat::heic, detail::looks_like_heic, detail::probe_heif},
    {ImageFormat::pfm, detail::looks_like_pfm, detail::probe_pfm},
    {ImageFormat::pnm, detail::looks_like_pnm, detail::probe_pnm},
    {ImageFormat::hdr, detail::looks_like_hdr, detail::probe_hdr},
    {ImageFormat::sunras, detail::looks_like_sunras, detail::probe_sunras},
}};

constexpr std::uint64_t kMaxDimension = std::uint64_t{1} << 31;

void check_dimension(ImageFormat f, std::uint64_t value, std::string_view axis) {
    const std::string prefix = std::string(info(f).display) + " header declares ";
    if (value == 0) throw InvalidHeader(prefix + "a zero " + std::string(axis));
    if (value > kMaxDimension) {
        throw InvalidHeader(prefix + "a " + std::string(axis) + " of " + std::to_string(value) +
                            " pixels, over the 2^31 limit");
    }
}

}  // namespace

std::string_view format_name(ImageFormat f) {
    return info(f).name;
}
std::string_view media_type(ImageFormat f) {
    return info(f).media_type;
}
std::string_view file_extension(ImageFormat f) {
    return info(f).extension;
}

namespace detail {

std::string_view display_name(ImageFormat f) {
    return info(f).display;
}

ImageHeader sized_header(ImageFormat f, std::uint64_t width, std::uint64_t height) {
    check_dimension(f, width, "width");
    check_dimension(f, height, "height");
    ImageHeader h{};
    h.format = f;
    h.width = static_cast<std::uint32_t>(width);
    h.height = static_cast<std::uint32_t>(height);
    return h;
}

std::optional<ByteRange> exif_range_within(Bytes bytes, std::size_t offset, std::size_t size) {
    if (size == 0 || offset > bytes.size() || size > bytes.size() - offset) return std::nullopt;
    return ByteRange{offset, size};
}

}  // namespace detail

std::optional<ImageFormat> sniff_format(std::span<const std::uint8_t> bytes) {
    for (const auto& p : kProbers) {
        if (p.looks_like(bytes)) return p.format;
    }
    return std::nullopt;
}

std::optional<ImageHeader> probe_header(std::span<const std::uint8_t> bytes) {
    for (const auto& p : kProbers) {
        if (!p.looks_like(bytes)) continue;
        ImageHeader h = p.probe(bytes);
        // Re-checked here so that a probe which forgot sized_header still cannot leak a
        // zero size or an EXIF range outside the buffer to the caller.
        check_dimension(h.format, h.width, "width");
        check_dimension(h.format, h.height, "height");
        if (h.exif) h.exif = detail::exif_range_within(bytes, h.exif->offset, h.exif->size);
        return h;
    }
    return std::nullopt;
}

}  // namespace fotogal::formats
