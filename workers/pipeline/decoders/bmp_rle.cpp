#include "workers/pipeline/decoders/bmp_rle.hpp"

#include <algorithm>
#include <cstdint>

namespace fotogal::pipeline::raster {

namespace {

constexpr std::uint8_t kEscape = 0;
constexpr std::uint8_t kEndOfLine = 0;
constexpr std::uint8_t kEndOfBitmap = 1;
constexpr std::uint8_t kDelta = 2;

class Writer {
  public:
    Writer(cv::Mat& indices, bool bottom_up)
        : indices_(indices), width_(indices.cols), height_(indices.rows), bottom_up_(bottom_up) {}

    bool done() const { return row_ >= height_; }
    int room() const { return width_ - x_; }

    void put(std::uint8_t index) {
        std::uint8_t* row = indices_.ptr<std::uint8_t>(bottom_up_ ? height_ - 1 - row_ : row_);
        row[x_++] = index;
    }
    void end_of_line() {
        x_ = 0;
        ++row_;
    }
    // Deltas move right and down in reading order; OpenCV wrapped a move past the row's end
    // onto the following rows, and so do we.
    void move(int right, int down) {
        const std::int64_t pos = (std::int64_t{row_} + down) * width_ + x_ + right;
        row_ = static_cast<int>(std::min<std::int64_t>(pos / width_, height_));
        x_ = row_ >= height_ ? 0 : static_cast<int>(pos % width_);
    }

  private:
    cv::Mat& indices_;
    int width_, height_;
    bool bottom_up_;
    int x_ = 0, row_ = 0;
};

[[noreturn]] void overflow() {
    fail("undecodable", "BMP", "has a run-length code that runs past the end of a row (corrupt)");
}

}  // namespace

void decode_bmp_rle(Cursor& in, cv::Mat& indices, bool four_bit, bool bottom_up) {
    Writer out(indices, bottom_up);
    // A run that ends exactly at the row's end moves to the next row by itself in RLE8 (as
    // OpenCV read it); the end-of-line code that encoders write after it is then redundant.
    bool wrapped = false;
    while (!out.done()) {
        if (in.at_end()) in.fail_truncated("end-of-bitmap code");
        const std::uint8_t count = in.u8();
        const std::uint8_t code = in.u8();
        if (count != kEscape) {  // a run of `count` pixels
            if (count > out.room()) overflow();
            for (int i = 0; i < count; ++i)
                out.put(four_bit ? (i % 2 ? code & 0x0F : code >> 4) : code);
            wrapped = !four_bit && out.room() == 0;
            if (wrapped) out.end_of_line();
            continue;
        }
        const bool was_wrapped = wrapped;
        wrapped = false;
        if (code == kEndOfLine) {
            if (!was_wrapped) out.end_of_line();
        } else if (code == kEndOfBitmap) {
            return;
        } else if (code == kDelta) {
            const int right = in.u8();
            const int down = in.u8();
            out.move(right, down);
        } else {  // absolute mode: `code` literal pixels, padded to a 16-bit boundary
            if (code > out.room()) overflow();
            const std::size_t bytes = four_bit ? (code + 1u) / 2 : code;
            const std::uint8_t* literal = in.take(bytes);
            for (int i = 0; i < code; ++i)
                out.put(four_bit ? (i % 2 ? literal[i / 2] & 0x0F : literal[i / 2] >> 4)
                                 : literal[i]);
            if (bytes % 2) in.skip(1);
        }
    }
}

}  // namespace fotogal::pipeline::raster
