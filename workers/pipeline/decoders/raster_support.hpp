// What the raster decoders (bmp, pnm, pfm, hdr, sunras) share: a bounds-checked cursor over
// the file, the size checks made before any allocation, and palette handling.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "workers/pipeline/decoders/decoder.hpp"

namespace fotogal::pipeline::raster {

// Without a limit in the request (tests, tools), the recipe's default applies: a decoder
// must never allocate whatever a header asks for.
constexpr std::uint64_t kDefaultMaxPixels = 100'000'000;

// Reads forward through the file; running past its end throws "truncated" naming the format.
class Cursor {
  public:
    Cursor(Bytes bytes, std::string_view format, std::size_t pos = 0)
        : bytes_(bytes), format_(format), pos_(pos) {}

    std::size_t pos() const { return pos_; }
    std::size_t remaining() const { return pos_ < bytes_.size() ? bytes_.size() - pos_ : 0; }
    bool at_end() const { return remaining() == 0; }
    std::string_view format() const { return format_; }
    // The next byte without consuming it; nullptr at the end.
    const std::uint8_t* peek() const { return at_end() ? nullptr : bytes_.data() + pos_; }
    // Moves to an absolute offset taken from the file (checked when read).
    void seek(std::size_t pos) { pos_ = pos; }
    void skip(std::size_t count);

    std::uint8_t u8();
    std::uint16_t u16le();
    std::uint32_t u32le();
    std::uint32_t u32be();
    // The next `count` bytes, all of which must be in the file.
    const std::uint8_t* take(std::size_t count);

    [[noreturn]] void fail_truncated(std::string_view what) const;

  private:
    Bytes bytes_;
    std::string_view format_;
    std::size_t pos_;
};

// Refuses a picture before its pixels are allocated: zero or over-int sizes are broken
// headers ("invalid_header"), more pixels than the request allows is "too_many_pixels".
void check_size(std::string_view format, std::uint64_t width, std::uint64_t height,
                const DecodeRequest& request);

// Refuses pixel data that needs more bytes than the file has left ("truncated"), before the
// picture is allocated: a tiny file cannot make the decoder reserve memory for a huge one.
void check_data_fits(std::string_view format, std::uint64_t needed, std::uint64_t available);

// B, G, R as stored in BMP and Sun raster colour maps.
struct PaletteEntry {
    std::uint8_t b = 0, g = 0, r = 0;
};
using Palette = std::array<PaletteEntry, 256>;

// As OpenCV did: a palette whose entries are all grey gives a one-channel picture.
bool palette_is_grey(const Palette& palette);

// Turns an index plane (CV_8UC1) into BGR (or grey when `grey`) through the palette.
cv::Mat apply_palette(const cv::Mat& indices, const Palette& palette, bool grey);

// Fills the colour fields from the channel count, as OpenCV's decoding did: 1 grey, 3 BGR,
// 4 BGRA.
DecodedImage finish(cv::Mat pixels);

// Netpbm text (PNM and PFM headers, ASCII samples): skips whitespace and '#' comments, then
// reads a decimal number (saturating, so no overflow). A non-digit is "invalid_header", the
// end of the file "truncated"; `what` names the field in messages.
bool is_netpbm_space(std::uint8_t c);
void skip_netpbm_space(Cursor& in);
std::uint64_t read_netpbm_number(Cursor& in, std::string_view what);

[[noreturn]] void fail(std::string code, std::string_view format, std::string_view problem);

}  // namespace fotogal::pipeline::raster
