// TIFF and BigTIFF: the size is two tags of the first IFD. The byte order mark decides the
// endianness of every later field, and BigTIFF widens counts and offsets to 64 bits.
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::uint16_t kImageWidth = 256;
constexpr std::uint16_t kImageLength = 257;
constexpr std::uint16_t kTypeShort = 3;
constexpr std::uint16_t kTypeLong = 4;
constexpr std::uint16_t kTypeLong8 = 16;

struct Layout {
    Endian endian;
    bool big;
    std::size_t count_size;  // entry count at the start of an IFD
    std::size_t entry_size;
    std::size_t field_size;  // inline value / offset field at the end of an entry
};

Layout layout_of(const ByteReader& r) {
    const Endian e = r.matches(0, "II") ? Endian::little : Endian::big;
    const bool big = r.need_u8(e == Endian::little ? 2 : 3, "version") == 43;
    if (big) return {e, true, 8, 20, 8};
    return {e, false, 2, 12, 4};
}

std::uint64_t read_uint(const ByteReader& r, std::size_t offset, std::size_t size, Endian e,
                        std::string_view what) {
    switch (size) {
        case 2:
            return r.need<std::uint16_t>(offset, e, what);
        case 4:
            return r.need<std::uint32_t>(offset, e, what);
        default:
            return r.need<std::uint64_t>(offset, e, what);
    }
}

// Reads the first value of a width/height entry, inline or behind an offset.
std::uint64_t entry_value(const ByteReader& r, const Layout& l, std::size_t entry,
                          std::string_view what) {
    const auto type = r.need<std::uint16_t>(entry + 2, l.endian, what);
    std::size_t value_size = 0;
    if (type == kTypeShort) value_size = 2;
    if (type == kTypeLong) value_size = 4;
    if (type == kTypeLong8 && l.big) value_size = 8;
    if (value_size == 0) {
        r.fail("stores its " + std::string(what) + " with unsupported field type " +
               std::to_string(type));
    }
    const std::uint64_t count = read_uint(r, entry + 4, l.big ? 8 : 4, l.endian, what);
    if (count == 0) r.fail("has an empty " + std::string(what) + " field");
    const std::size_t field = entry + 4 + (l.big ? 8 : 4);
    // Values that fit in the field are stored left-justified in it, in file byte order.
    if (count <= l.field_size / value_size) {
        return read_uint(r, field, value_size, l.endian, what);
    }
    const std::uint64_t offset = read_uint(r, field, l.field_size, l.endian, what);
    if (!r.has(offset, value_size)) r.fail_cut_short(what);
    return read_uint(r, static_cast<std::size_t>(offset), value_size, l.endian, what);
}

}  // namespace

bool looks_like_tiff(Bytes b) {
    const ByteReader r(b, "TIFF");
    return r.matches(0, std::string_view("II*\0", 4)) ||
           r.matches(0, std::string_view("MM\0*", 4)) ||
           r.matches(0, std::string_view("II+\0", 4)) || r.matches(0, std::string_view("MM\0+", 4));
}

ImageHeader probe_tiff(Bytes b) {
    const ByteReader r(b, "TIFF");
    const Layout l = layout_of(r);
    std::uint64_t ifd = 0;
    if (l.big) {
        if (r.need<std::uint16_t>(4, l.endian, "BigTIFF offset size") != 8) {
            r.fail("declares a BigTIFF offset size other than 8");
        }
        ifd = r.need<std::uint64_t>(8, l.endian, "first IFD offset");
    } else {
        ifd = r.need<std::uint32_t>(4, l.endian, "first IFD offset");
    }
    if (!r.has(ifd, l.count_size)) r.fail_cut_short("first IFD");
    const auto ifd_at = static_cast<std::size_t>(ifd);
    const std::uint64_t entries = read_uint(r, ifd_at, l.count_size, l.endian, "IFD entry count");

    std::optional<std::uint64_t> width;
    std::optional<std::uint64_t> height;
    // `i` can only grow while whole entries remain in the buffer, so the loop is bounded
    // by the buffer size whatever the declared count. Entries should be sorted by tag, but
    // libtiff reads unsorted IFDs too, so the whole IFD is searched.
    for (std::uint64_t i = 0; i < entries && !(width && height); ++i) {
        const std::size_t entry =
            ifd_at + l.count_size + static_cast<std::size_t>(i) * l.entry_size;
        if (!r.has(entry, l.entry_size)) r.fail_cut_short("image size tags");
        const auto tag = r.need<std::uint16_t>(entry, l.endian, "IFD entry");
        if (tag == kImageWidth && !width) width = entry_value(r, l, entry, "width");
        if (tag == kImageLength && !height) height = entry_value(r, l, entry, "height");
    }
    if (!width) r.fail("has no ImageWidth tag in its first IFD");
    if (!height) r.fail("has no ImageLength tag in its first IFD");
    ImageHeader h = sized_header(ImageFormat::tiff, *width, *height);
    // The whole file is TIFF-structured, so EXIF readers get all of it.
    h.exif = exif_range_within(b, 0, b.size());
    return h;
}

}  // namespace fotogal::formats::detail
