// Radiance RGBE (.hdr): text header lines up to an empty line, then one resolution line
// such as "-Y 85 +X 128". The axis letters, not their order, say which number is which:
// "+X 128 -Y 85" is a column-major file of the same 128x85 size.
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

constexpr std::uint64_t kSaturated = std::uint64_t{1} << 33;

struct Axis {
    char letter = 0;
    std::uint64_t size = 0;
};

Axis read_axis(const ByteReader& r, std::size_t& pos) {
    while (r.u8(pos) == ' ') ++pos;
    const auto sign = r.u8(pos);
    const auto letter = r.u8(pos + 1);
    if (!sign || !letter) r.fail_cut_short("resolution line");
    if ((*sign != '+' && *sign != '-') || (*letter != 'X' && *letter != 'Y')) {
        r.fail("has a malformed resolution line");
    }
    pos += 2;
    if (r.u8(pos) != ' ') r.fail("has a malformed resolution line");
    while (r.u8(pos) == ' ') ++pos;
    Axis axis{static_cast<char>(*letter), 0};
    bool any_digit = false;
    for (auto c = r.u8(pos); c && *c >= '0' && *c <= '9'; c = r.u8(++pos)) {
        axis.size = axis.size >= kSaturated ? kSaturated : axis.size * 10 + (*c - '0');
        any_digit = true;
    }
    if (!any_digit) r.fail("has a resolution line without a size");
    if (!r.u8(pos)) r.fail_cut_short("resolution line");
    return axis;
}

}  // namespace

bool looks_like_hdr(Bytes b) {
    const ByteReader r(b, "Radiance HDR");
    return r.matches(0, "#?RADIANCE") || r.matches(0, "#?RGBE");
}

ImageHeader probe_hdr(Bytes b) {
    const ByteReader r(b, display_name(ImageFormat::hdr));
    // Skip header lines; the header ends at the first empty line.
    std::size_t pos = 0;
    for (;;) {
        while (r.need_u8(pos, "end of the text header") != '\n') ++pos;
        ++pos;
        if (r.need_u8(pos, "resolution line") == '\n') break;
    }
    ++pos;
    const Axis first = read_axis(r, pos);
    const Axis second = read_axis(r, pos);
    if (first.letter == second.letter) r.fail("names the same axis twice in its resolution line");
    const Axis& x = first.letter == 'X' ? first : second;
    const Axis& y = first.letter == 'Y' ? first : second;
    return sized_header(ImageFormat::hdr, x.size, y.size);
}

}  // namespace fotogal::formats::detail
