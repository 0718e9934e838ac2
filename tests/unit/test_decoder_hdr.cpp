// decode_hdr against OpenCV's imdecode on the corpus Radiance file and crafted ones (flat,
// new-style run-length, old-style repeats OpenCV could not read, the other orientations,
// corrupt runs, truncation, huge sizes).
#include <doctest/doctest.h>

#include <cmath>

#include "decoder_oracle.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::decode_hdr;
using fotogal::test::FileBuilder;
using fotogal::test::max_abs_diff;
using fotogal::test::oracle;

namespace {

std::string hdr_failure(
    const std::vector<std::uint8_t>& bytes,
    fotogal::pipeline::DecodeRequest request = fotogal::test::worker_request()) {
    return fotogal::test::failure(decode_hdr, bytes, request);
}

cv::Mat decode(const std::vector<std::uint8_t>& bytes) {
    return decode_hdr(bytes, fotogal::test::worker_request()).pixels;
}

std::vector<std::uint8_t> make_hdr(const std::string& resolution,
                                   const std::vector<std::uint8_t>& data,
                                   const std::string& format = "32-bit_rle_rgbe") {
    FileBuilder f;
    f.text("#?RADIANCE\n# made by a test\nFORMAT=" + format + "\nEXPOSURE=1.0\n\n" + resolution +
           "\n");
    return f.raw(data).bytes;
}

// Flat RGBE pixels, distinct per position.
std::vector<std::uint8_t> flat_pixels(int count) {
    std::vector<std::uint8_t> out;
    for (int i = 0; i < count; ++i) {
        out.push_back(static_cast<std::uint8_t>(10 * i + 1));
        out.push_back(static_cast<std::uint8_t>(200 - 3 * i));
        out.push_back(static_cast<std::uint8_t>(7 * i % 256));
        out.push_back(static_cast<std::uint8_t>(120 + i % 16));
    }
    return out;
}

void check_same_as_oracle(const std::vector<std::uint8_t>& bytes) {
    CHECK(decode(bytes).type() == CV_32FC3);
    // Same conversion as OpenCV's rgbe2float (mantissa * 2^(e - 136), in float).
    fotogal::test::check_same_as_oracle(decode_hdr, bytes);
}

// One new-style scanline of width 10: R a run, G literals, B a run then literals, E a run.
std::vector<std::uint8_t> rle_scanline(std::uint8_t seed) {
    FileBuilder f;
    f.u8(2).u8(2).u8(0).u8(10);
    f.u8(128 + 10).u8(seed);
    f.u8(10);
    for (int i = 0; i < 10; ++i) f.u8(static_cast<unsigned>(seed + 9 * i) & 0xFF);
    f.u8(128 + 5).u8(77).u8(5).u8(1).u8(2).u8(3).u8(4).u8(5);
    f.u8(128 + 10).u8(130);
    return f.bytes;
}

}  // namespace

TEST_CASE("hdr: the corpus Radiance file decodes exactly as OpenCV did") {
    auto files = fotogal::test::corpus_files_of(ImageFormat::hdr);
    REQUIRE_FALSE(files.empty());
    for (const auto& name : files) {
        CAPTURE(name);
        check_same_as_oracle(fotogal::test::read_corpus(name));
    }
}

TEST_CASE("hdr: flat and new-style run-length scanlines, as OpenCV read them") {
    check_same_as_oracle(make_hdr("-Y 2 +X 3", flat_pixels(6)));  // too narrow for RLE
    check_same_as_oracle(make_hdr("-Y 1 +X 9", flat_pixels(9)));  // wide enough, but flat
    check_same_as_oracle(make_hdr("-Y 4 +X 1", flat_pixels(4)));  // 1 x N
    std::vector<std::uint8_t> rle;
    for (std::uint8_t seed : {3, 50, 200}) {
        auto line = rle_scanline(seed);
        rle.insert(rle.end(), line.begin(), line.end());
    }
    check_same_as_oracle(make_hdr("-Y 3 +X 10", rle));
    cv::Mat px = decode(make_hdr("-Y 3 +X 10", rle));
    // Row 1, column 0: R 50, G 50, B 77, E 130: value * 2^(130 - 136).
    CHECK(px.at<cv::Vec3f>(1, 0) == cv::Vec3f(77.f / 64, 50.f / 64, 50.f / 64));
}

TEST_CASE("hdr: old-style repeats, which OpenCV read as pixels") {
    // A pixel, (1,1,1,2): two more copies of it; another pixel, (1,1,1,1): one copy.
    FileBuilder f;
    f.u8(64).u8(32).u8(16).u8(129).u8(1).u8(1).u8(1).u8(2);
    f.u8(8).u8(8).u8(8).u8(128).u8(1).u8(1).u8(1).u8(1);
    cv::Mat px = decode(make_hdr("-Y 1 +X 5", f.bytes));
    REQUIRE(px.cols == 5);
    for (int x = 0; x < 3; ++x) CHECK(px.at<cv::Vec3f>(0, x) == cv::Vec3f(0.125f, 0.25f, 0.5f));
    for (int x = 3; x < 5; ++x)
        CHECK(px.at<cv::Vec3f>(0, x) == cv::Vec3f(0.03125f, 0.03125f, 0.03125f));
    // Chained repeats count in bytes of 8 bits: (1,1,1,1) twice is 1 + 256 copies.
    FileBuilder chained;
    chained.u8(64).u8(64).u8(64).u8(128).u8(1).u8(1).u8(1).u8(1).u8(1).u8(1).u8(1).u8(1);
    CHECK(decode(make_hdr("-Y 1 +X 258", chained.bytes)).at<cv::Vec3f>(0, 257)[0] == 0.25f);
    CHECK(hdr_failure(make_hdr("-Y 1 +X 257", chained.bytes)) == "undecodable");
    CHECK(hdr_failure(make_hdr("-Y 1 +X 4", {1, 1, 1, 2, 5, 5, 5, 128})) == "undecodable");
    CHECK(hdr_failure(make_hdr("-Y 1 +X 2", {9, 9, 9, 128, 1, 1, 1, 5})) == "undecodable");
}

TEST_CASE("hdr: the other seven orientations turn into the usual one") {
    // The same 3 x 2 picture: stored top-down left-to-right, and in every other order.
    const auto data = flat_pixels(6);
    cv::Mat usual = decode(make_hdr("-Y 2 +X 3", data));
    cv::Mat flipped;
    cv::flip(usual, flipped, 0);
    CHECK(max_abs_diff(decode(make_hdr("+Y 2 +X 3", data)), flipped) == 0);
    cv::flip(usual, flipped, 1);
    CHECK(max_abs_diff(decode(make_hdr("-Y 2 -X 3", data)), flipped) == 0);
    cv::flip(usual, flipped, -1);
    CHECK(max_abs_diff(decode(make_hdr("+Y 2 -X 3", data)), flipped) == 0);
    // Column-major: each scanline is a column, top to bottom; the columns left to right.
    std::vector<std::uint8_t> columns;
    for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 2; ++y) {
            const std::size_t at = static_cast<std::size_t>(4 * (y * 3 + x));
            columns.insert(columns.end(), data.begin() + at, data.begin() + at + 4);
        }
    cv::Mat column_major = decode(make_hdr("+X 3 -Y 2", columns));
    CHECK(max_abs_diff(column_major, usual) == 0);
}

TEST_CASE("hdr: corrupt runs, truncation, other formats and huge sizes fail with a reason") {
    auto rle = rle_scanline(9);
    auto overrun = rle;
    overrun[4] = 128 + 11;  // R's run is longer than the scanline
    CHECK(hdr_failure(make_hdr("-Y 1 +X 10", overrun)) == "undecodable");
    auto wrong_width = rle;
    wrong_width[3] = 11;
    CHECK(hdr_failure(make_hdr("-Y 1 +X 10", wrong_width)) == "undecodable");
    auto zero_literal = rle;
    zero_literal[6] = 0;
    CHECK(hdr_failure(make_hdr("-Y 1 +X 10", zero_literal)) == "undecodable");
    CHECK(hdr_failure(make_hdr("-Y 2 +X 10", rle)) == "truncated");
    CHECK(hdr_failure(make_hdr("-Y 2 +X 3", flat_pixels(5))) == "truncated");
    CHECK(hdr_failure(make_hdr("-Y 1 +X 3", flat_pixels(3), "32-bit_rle_xyze")) == "undecodable");
    CHECK(hdr_failure(make_hdr("-Y 1 -Y 3", flat_pixels(3))) == "invalid_header");
    CHECK(hdr_failure(make_hdr("Y 1 X 3", flat_pixels(3))) == "invalid_header");
    CHECK(hdr_failure(make_hdr("-Y 0 +X 3", {})) == "invalid_header");
    auto huge = make_hdr("-Y 60000 +X 60000", flat_pixels(1));
    CHECK(hdr_failure(huge) == "too_many_pixels");
    CHECK(hdr_failure(huge, {0, 0, std::uint64_t{1} << 40}) == "truncated");
    // A header that never ends.
    FileBuilder endless;
    endless.text("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n");
    CHECK(hdr_failure(endless.bytes) == "truncated");
}
