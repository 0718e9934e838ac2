// JPEG 2000, both as a JP2 file (signature box, then boxes, with the size in jp2h/ihdr)
// and as a bare codestream (.j2k/.j2c), whose SIZ marker segment must come first.
#include <algorithm>

#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::string_view kSignatureBox{"\0\0\0\x0cjP  \r\n\x87\n", 12};
constexpr std::string_view kCodestreamStart{"\xff\x4f\xff\x51", 4};  // SOC, then SIZ

ImageHeader probe_codestream(const ByteReader& r, std::size_t soc) {
    // SIZ after SOC and its marker: Lsiz, Rsiz, then Xsiz, Ysiz, XOsiz, YOsiz (32-bit BE).
    // The image area is the reference grid minus the offset of its top-left corner.
    const std::size_t siz = soc + 4 + 4;
    const auto x = r.need<std::uint32_t>(siz, Endian::big, "SIZ width");
    const auto y = r.need<std::uint32_t>(siz + 4, Endian::big, "SIZ height");
    const auto x_offset = r.need<std::uint32_t>(siz + 8, Endian::big, "SIZ x offset");
    const auto y_offset = r.need<std::uint32_t>(siz + 12, Endian::big, "SIZ y offset");
    if (x_offset >= x || y_offset >= y) r.fail("declares an image offset outside its grid");
    return sized_header(ImageFormat::jp2, x - x_offset, y - y_offset);
}

}  // namespace

std::optional<Box> box_at(const ByteReader& r, std::size_t pos, std::size_t end) {
    end = std::min(end, r.size());
    if (pos > end || end - pos < 8) return std::nullopt;
    const std::uint32_t size32 = *r.u32be(pos);
    std::uint64_t size = size32;
    std::size_t header = 8;
    if (size32 == 1) {
        if (end - pos < 16) return std::nullopt;
        size = *r.u64be(pos + 8);
        header = 16;
    } else if (size32 == 0) {
        size = end - pos;
    }
    if (size < header) r.fail("has a box whose size is smaller than its own header");
    const std::size_t box_end = size > end - pos ? end : pos + static_cast<std::size_t>(size);
    return Box{pos, pos + header, box_end};
}

std::optional<Box> find_box(const ByteReader& r, std::size_t begin, std::size_t end,
                            std::string_view type) {
    std::size_t pos = begin;
    while (const auto box = box_at(r, pos, end)) {
        if (r.matches(box->start + 4, type)) return box;
        pos = box->end;
    }
    return std::nullopt;
}

bool looks_like_jp2(Bytes b) {
    const ByteReader r(b, "JPEG 2000");
    return r.matches(0, kSignatureBox) || r.matches(0, kCodestreamStart);
}

ImageHeader probe_jp2(Bytes b) {
    const ByteReader r(b, display_name(ImageFormat::jp2));
    if (r.matches(0, kCodestreamStart)) return probe_codestream(r, 0);

    // The spec puts jp2h before the codestream box; a file that gets the order wrong still
    // has the size in the codestream itself.
    std::size_t pos = kSignatureBox.size();
    while (const auto box = box_at(r, pos, r.size())) {
        if (r.matches(box->start + 4, "jp2h")) {
            const auto ihdr = find_box(r, box->data, box->end, "ihdr");
            if (!ihdr) r.fail("has a jp2h box without an ihdr box");
            const auto height = r.need<std::uint32_t>(ihdr->data, Endian::big, "height");
            const auto width = r.need<std::uint32_t>(ihdr->data + 4, Endian::big, "width");
            return sized_header(ImageFormat::jp2, width, height);
        }
        if (r.matches(box->start + 4, "jp2c")) {
            if (!r.matches(box->data, kCodestreamStart)) {
                r.fail("has a codestream box that does not start with SOC and SIZ");
            }
            return probe_codestream(r, box->data);
        }
        pos = box->end;
    }
    r.fail_cut_short("image header box");
}

}  // namespace fotogal::formats::detail
