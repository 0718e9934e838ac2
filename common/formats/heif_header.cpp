// HEIF (HEIC) and AVIF: ISO BMFF files told apart by their ftyp brands. The size is an
// 'ispe' property of the primary item, found through meta/pitm and meta/iprp/ipma. The
// first ispe in ipco is only a fallback: camera HEICs are grids whose first ispe usually
// belongs to a 512x512 tile or to the thumbnail, not to the picture.
#include <algorithm>
#include <array>

#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::array<std::string_view, 6> kHeicBrands{"heic", "heix", "hevc",
                                                      "heim", "heis", "mif1"};
constexpr std::array<std::string_view, 2> kAvifBrands{"avif", "avis"};
constexpr std::size_t kFullBoxHeader = 4;  // version and flags
// Guards the property walks against files with millions of empty boxes.
constexpr std::size_t kMaxProperties = 4096;

template <std::size_t N>
bool brand_in(const ByteReader& r, std::size_t at, const std::array<std::string_view, N>& set) {
    for (const auto brand : set) {
        if (r.matches(at, brand)) return true;
    }
    return false;
}

std::optional<ImageHeader> sized_ispe(const ByteReader& r, const Box& ispe, ImageFormat f) {
    const auto width = r.u32be(ispe.data + kFullBoxHeader);
    const auto height = r.u32be(ispe.data + kFullBoxHeader + 4);
    if (!width || !height) return std::nullopt;
    return sized_header(f, *width, *height);
}

std::optional<std::uint32_t> primary_item(const ByteReader& r, const Box& meta) {
    const auto pitm = find_box(r, meta.data + kFullBoxHeader, meta.end, "pitm");
    if (!pitm) return std::nullopt;
    const auto version = r.u8(pitm->data);
    if (!version) return std::nullopt;
    if (*version == 0) {
        if (const auto id = r.u16be(pitm->data + kFullBoxHeader)) return *id;
        return std::nullopt;
    }
    return r.u32be(pitm->data + kFullBoxHeader);
}

// ipma packs item ids and property indices in 1, 2 or 4 bytes depending on version/flags.
std::optional<std::uint32_t> uint_be(const ByteReader& r, std::size_t pos, std::size_t size) {
    if (size == 1) return r.u8(pos);
    if (size == 2) return r.u16be(pos);
    return r.u32be(pos);
}

// The `index`-th (1-based, as ipma counts) child of ipco.
std::optional<Box> property(const ByteReader& r, const Box& ipco, std::size_t index) {
    std::size_t pos = ipco.data;
    for (std::size_t i = 1; i <= kMaxProperties; ++i) {
        const auto box = box_at(r, pos, ipco.end);
        if (!box) return std::nullopt;
        if (i == index) return box;
        pos = box->end;
    }
    return std::nullopt;
}

// Walks ipma to the primary item's entry and returns the first ispe among its properties.
std::optional<Box> primary_ispe(const ByteReader& r, const Box& ipma, const Box& ipco,
                                std::uint32_t item) {
    const auto version = r.u8(ipma.data);
    const auto flags = r.u8(ipma.data + 3);  // low byte of the 24-bit flags
    const auto entries = r.u32be(ipma.data + kFullBoxHeader);
    if (!version || !flags || !entries) return std::nullopt;
    const std::size_t id_size = *version < 1 ? 2 : 4;
    const std::size_t index_size = (*flags & 1) != 0 ? 2 : 1;
    std::size_t pos = ipma.data + kFullBoxHeader + 4;
    for (std::uint32_t e = 0; e < *entries && pos < ipma.end; ++e) {
        const auto id = uint_be(r, pos, id_size);
        const auto count = r.u8(pos + id_size);
        if (!id || !count) return std::nullopt;
        pos += id_size + 1;
        if (*id != item) {
            pos += std::size_t{*count} * index_size;
            continue;
        }
        for (std::uint8_t a = 0; a < *count; ++a, pos += index_size) {
            // The top bit marks the property as essential; the rest is the index.
            const auto raw = uint_be(r, pos, index_size);
            if (!raw) return std::nullopt;
            const std::size_t index = *raw & (index_size == 2 ? 0x7FFFu : 0x7Fu);
            const auto box = property(r, ipco, index);
            if (box && r.matches(box->start + 4, "ispe")) return box;
        }
        return std::nullopt;
    }
    return std::nullopt;
}

}  // namespace

std::optional<ImageFormat> heif_flavour(Bytes b) {
    const ByteReader r(b, "HEIF");
    const auto ftyp_size = r.u32be(0);
    // Sized by hand rather than with box_at: a signature check must never throw.
    if (!ftyp_size || *ftyp_size < 12 || !r.matches(4, "ftyp")) return std::nullopt;
    const std::size_t ftyp_end = std::min<std::size_t>(*ftyp_size, r.size());
    // The major brand decides; the generic mif1 major brand defers to the compatible list,
    // where an AVIF brand wins because plain HEIF readers cannot decode AV1.
    if (brand_in(r, 8, kAvifBrands)) return ImageFormat::avif;
    if (!r.matches(8, "mif1") && brand_in(r, 8, kHeicBrands)) return ImageFormat::heic;
    bool heic = r.matches(8, "mif1");
    for (std::size_t at = 16; at + 4 <= ftyp_end; at += 4) {
        if (brand_in(r, at, kAvifBrands)) return ImageFormat::avif;
        heic = heic || brand_in(r, at, kHeicBrands);
    }
    if (heic) return ImageFormat::heic;
    return std::nullopt;
}

bool looks_like_heic(Bytes b) {
    return heif_flavour(b) == ImageFormat::heic;
}
bool looks_like_avif(Bytes b) {
    return heif_flavour(b) == ImageFormat::avif;
}

ImageHeader probe_heif(Bytes b) {
    const auto flavour = heif_flavour(b);
    if (!flavour) throw InvalidHeader("HEIF file has no recognised ftyp brand");
    const ByteReader r(b, display_name(*flavour));
    const auto meta = find_box(r, 0, r.size(), "meta");
    const auto iprp =
        meta ? find_box(r, meta->data + kFullBoxHeader, meta->end, "iprp") : std::nullopt;
    const auto ipco = iprp ? find_box(r, iprp->data, iprp->end, "ipco") : std::nullopt;
    if (ipco) {
        const auto ipma = find_box(r, iprp->data, iprp->end, "ipma");
        const auto item = primary_item(r, *meta);
        if (ipma && item) {
            if (const auto ispe = primary_ispe(r, *ipma, *ipco, *item)) {
                if (auto h = sized_ispe(r, *ispe, *flavour)) return *h;
            }
        }
        if (const auto ispe = find_box(r, ipco->data, ipco->end, "ispe")) {
            if (auto h = sized_ispe(r, *ispe, *flavour)) return *h;
        }
    }
    throw InvalidHeader("HEIF file has no image size (ispe)");
}

}  // namespace fotogal::formats::detail
