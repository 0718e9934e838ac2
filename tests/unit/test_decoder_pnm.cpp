// decode_pnm against OpenCV's imdecode on the corpus's PBM/PGM/PPM files and on crafted ones
// (ASCII with comments, every maxval class, truncation, huge sizes, 1xN and Nx1).
#include <doctest/doctest.h>

#include "decoder_oracle.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::decode_pnm;
using fotogal::test::max_abs_diff;
using fotogal::test::oracle;

namespace {

// From a string literal, NUL bytes included.
template <std::size_t N>
std::vector<std::uint8_t> bytes_of(const char (&text)[N]) {
    return {text, text + N - 1};
}

std::string pnm_failure(
    const std::vector<std::uint8_t>& bytes,
    fotogal::pipeline::DecodeRequest request = fotogal::test::worker_request()) {
    return fotogal::test::failure(decode_pnm, bytes, request);
}

cv::Mat decode(const std::vector<std::uint8_t>& bytes) {
    return decode_pnm(bytes, fotogal::test::worker_request()).pixels;
}

void check_same_as_oracle(const std::vector<std::uint8_t>& bytes) {
    fotogal::test::check_same_as_oracle(decode_pnm, bytes);
}

}  // namespace

TEST_CASE("pnm: every corpus PNM decodes exactly as OpenCV did, or fails where it failed") {
    auto files = fotogal::test::corpus_files_of(ImageFormat::pnm);
    REQUIRE(files.size() >= 4);
    for (const auto& name : files) {
        CAPTURE(name);
        auto bytes = fotogal::test::read_corpus(name);
        cv::Mat expected = oracle(bytes);
        if (expected.empty()) {
            CHECK_FALSE(pnm_failure(bytes).empty());
            continue;
        }
        auto decoded = decode_pnm(bytes, fotogal::test::worker_request());
        CHECK(decoded.pixels.type() == expected.type());
        CHECK(max_abs_diff(decoded.pixels, expected) == 0);
        CHECK_FALSE(decoded.colour.has_alpha);
    }
    CHECK(decode(fotogal::test::read_corpus("formats/pgm_p5_16bit.pgm")).type() == CV_16UC1);
}

TEST_CASE("pnm: a number glued to the magic (negative_size.ppm) is a broken header") {
    CHECK(pnm_failure(fotogal::test::read_corpus("bad/negative_size.ppm")) == "invalid_header");
    CHECK(pnm_failure(bytes_of("P6 -1 1 255\n\x01\x02\x03")) == "invalid_header");
}

TEST_CASE("pnm: ASCII files with comments, as OpenCV read them") {
    check_same_as_oracle(bytes_of("P1\n# a comment\n5 2\n10110\n0 1 0 0 1\n"));
    check_same_as_oracle(bytes_of("P1 3 1 101"));  // digits need no separators
    check_same_as_oracle(bytes_of("P2\n3 2 # comment after the height\n255\n0 128 255\n7 8 9\n"));
    check_same_as_oracle(bytes_of("P3\n2 1\n255\n255 0 0  0 0 255\n"));  // red, blue -> BGR
    // Text samples below full scale are stretched (v * 255 / maxval), above it clipped.
    check_same_as_oracle(bytes_of("P2 4 1 100 0 50 100 200\n"));
    check_same_as_oracle(bytes_of("P2 2 1 65535 0 65535\n"));  // 16-bit
    CHECK(decode(bytes_of("P2 2 1 65535 0 65535\n")).type() == CV_16UC1);
}

TEST_CASE("pnm: binary files of every depth, 1xN and Nx1") {
    check_same_as_oracle(bytes_of("P4\n9 2\n\xA5\x80\x0F\x00"));
    check_same_as_oracle(bytes_of("P5\n1 3\n255\n\x01\x02\x03"));
    check_same_as_oracle(bytes_of("P6\n3 1\n255\n\x01\x02\x03\x04\x05\x06\x07\x08\x09"));
    // 16-bit big-endian samples, RGB to BGR.
    check_same_as_oracle(bytes_of("P6 1 1 65535\n\x12\x34\x56\x78\x9A\xBC"));
    cv::Mat px = decode(bytes_of("P6 1 1 65535\n\x12\x34\x56\x78\x9A\xBC"));
    CHECK(px.at<cv::Vec3w>(0, 0) == cv::Vec3w(0x9ABC, 0x5678, 0x1234));
}

TEST_CASE("pnm: binary samples below full scale are stretched, where OpenCV kept them raw") {
    // OpenCV stretched text samples (v * 255 / maxval) but copied binary ones unchanged, so a
    // maxval-15 P5 came out nearly black. We stretch both, with its text formula.
    auto p5 = bytes_of("P5 3 1 15\n\x00\x07\x0F");
    cv::Mat raw = oracle(p5);
    REQUIRE(raw.type() == CV_8UC1);
    CHECK(raw.at<std::uint8_t>(0, 2) == 15);
    cv::Mat ours = decode(p5);
    CHECK(ours.at<std::uint8_t>(0, 0) == 0);
    CHECK(ours.at<std::uint8_t>(0, 1) == 7 * 255 / 15);
    CHECK(ours.at<std::uint8_t>(0, 2) == 255);
    CHECK(max_abs_diff(ours, decode(bytes_of("P2 3 1 15 0 7 15"))) == 0);
    // 16-bit with maxval 1023 (10-bit camera data): 1023 becomes 65535.
    cv::Mat ten_bit = decode(bytes_of("P5 1 1 1023\n\x03\xFF"));
    CHECK(ten_bit.type() == CV_16UC1);
    CHECK(ten_bit.at<std::uint16_t>(0, 0) == 65535);
}

TEST_CASE("pnm: broken headers, truncation and huge sizes fail with a reason") {
    CHECK(pnm_failure(bytes_of("P5 2 2 0\n\x00\x00\x00\x00")) == "invalid_header");  // maxval 0
    CHECK(pnm_failure(bytes_of("P5 1 1 70000\n\x00\x00")) == "invalid_header");
    CHECK(pnm_failure(bytes_of("P5 0 3 255\n")) == "invalid_header");
    CHECK(pnm_failure(bytes_of("P5 2 x 255\n")) == "invalid_header");
    CHECK(pnm_failure(bytes_of("P6 2 2 255\n\x01\x02\x03")) == "truncated");
    CHECK(pnm_failure(bytes_of("P2 3 1 255 1 2")) == "truncated");
    CHECK(pnm_failure(bytes_of("P6 2 2")) == "truncated");
    CHECK(pnm_failure(bytes_of("P1 2 1 02")) == "undecodable");
    // 15 bytes declaring 4 gigapixels: refused by the limit, and by the file size past it.
    auto huge = bytes_of("P5 65536 65536 255\n\x00");
    CHECK(pnm_failure(huge) == "too_many_pixels");
    CHECK(pnm_failure(huge, {0, 0, std::uint64_t{1} << 40}) == "truncated");
}
