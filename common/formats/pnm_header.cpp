// Netpbm (P1-P6): an ASCII header of whitespace-separated decimal numbers, with '#'
// comments allowed anywhere whitespace is. The numbers are untrusted text, so they are
// parsed by hand with saturation instead of with stoul/strtol (no locale, no exceptions
// other than InvalidHeader, no overflow).
#include "common/formats/byte_reader.hpp"
#include "common/formats/probes.hpp"

namespace fotogal::formats::detail {

namespace {

// Larger than any accepted dimension, so saturating here still fails the 2^31 check.
constexpr std::uint64_t kSaturated = std::uint64_t{1} << 33;

bool is_space(std::uint8_t c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
bool is_digit(std::uint8_t c) {
    return c >= '0' && c <= '9';
}

void skip_space_and_comments(const ByteReader& r, std::size_t& pos) {
    while (const auto c = r.u8(pos)) {
        if (is_space(*c)) {
            ++pos;
        } else if (*c == '#') {
            while (const auto d = r.u8(pos)) {
                ++pos;
                if (*d == '\n' || *d == '\r') break;
            }
        } else {
            return;
        }
    }
}

std::uint64_t read_number(const ByteReader& r, std::size_t& pos, const std::string& what) {
    skip_space_and_comments(r, pos);
    auto c = r.u8(pos);
    if (!c) r.fail_cut_short(what);
    if (*c == '-') r.fail("declares a negative " + what);
    if (!is_digit(*c)) r.fail("has a non-numeric " + what);
    std::uint64_t value = 0;
    while ((c = r.u8(pos)) && is_digit(*c)) {
        value = value >= kSaturated ? kSaturated : value * 10 + (*c - '0');
        ++pos;
    }
    // A number running into the end of the buffer may have more digits in the file.
    if (!c) r.fail_cut_short(what);
    if (!is_space(*c) && *c != '#') r.fail("has a malformed " + what);
    return value;
}

}  // namespace

TextSize read_netpbm_size(Bytes b, std::size_t& pos, std::string_view format) {
    const ByteReader r(b, format);
    // The magic must be followed by whitespace; "P632 ..." is not a P6 header with width 32.
    const auto after_magic = r.u8(pos);
    if (!after_magic) r.fail_cut_short("width");
    if (!is_space(*after_magic) && *after_magic != '#') {
        r.fail("magic number is not followed by whitespace");
    }
    TextSize size;
    size.width = read_number(r, pos, "width");
    size.height = read_number(r, pos, "height");
    return size;
}

// The third byte is part of the signature so that any text starting with "P1".."P6" and a
// letter is not mistaken for an image; digits are let through so that a number glued to
// the magic (bad/negative_size.ppm) is reported as a broken PNM rather than as unknown.
bool looks_like_pnm(Bytes b) {
    if (b.size() < 3 || b[0] != 'P' || b[1] < '1' || b[1] > '6') return false;
    return is_space(b[2]) || b[2] == '#' || is_digit(b[2]);
}

ImageHeader probe_pnm(Bytes b) {
    std::size_t pos = 2;
    const TextSize size = read_netpbm_size(b, pos, display_name(ImageFormat::pnm));
    return sized_header(ImageFormat::pnm, size.width, size.height);
}

}  // namespace fotogal::formats::detail
