// decode_bmp against OpenCV's imdecode, the decoder the pipeline used before, on every BMP
// of the corpus and on crafted files (RLE escapes and overruns, truncation, huge sizes,
// 1xN and Nx1).
#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "decoder_oracle.hpp"
#include "workers/pipeline/decoders/decoder.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::ColourModel;
using fotogal::pipeline::decode_bmp;
using fotogal::test::FileBuilder;
using fotogal::test::max_abs_diff;
using fotogal::test::oracle;

namespace {

std::string bmp_failure(
    const std::vector<std::uint8_t>& bytes,
    fotogal::pipeline::DecodeRequest request = fotogal::test::worker_request()) {
    return fotogal::test::failure(decode_bmp, bytes, request);
}

cv::Mat decode(const std::vector<std::uint8_t>& bytes) {
    return decode_bmp(bytes, fotogal::test::worker_request()).pixels;
}

struct BmpSpec {
    BmpSpec(int w, int h, int bits = 24, std::uint32_t compress = 0,
            std::vector<std::uint32_t> colours = {}, std::uint32_t header = 40,
            std::vector<std::uint32_t> bit_masks = {})
        : width(w),
          height(h),
          bpp(bits),
          compression(compress),
          palette(std::move(colours)),
          header_size(header),
          masks(std::move(bit_masks)) {}
    int width, height;  // negative height: top-down
    int bpp;
    std::uint32_t compression;
    std::vector<std::uint32_t> palette;  // 0x00RRGGBB
    std::uint32_t header_size;
    std::vector<std::uint32_t> masks;  // R, G, B(, A): after a 40-byte header, or in a V4 one
};

std::vector<std::uint8_t> make_bmp(const BmpSpec& s, const std::vector<std::uint8_t>& data) {
    const std::size_t extra_masks = s.header_size == 40 ? s.masks.size() * 4 : 0;
    const std::uint32_t offset =
        static_cast<std::uint32_t>(14 + s.header_size + extra_masks + s.palette.size() * 4);
    FileBuilder f;
    f.text("BM").le32(static_cast<std::uint32_t>(offset + data.size())).le32(0).le32(offset);
    f.le32(s.header_size).le32(static_cast<std::uint32_t>(s.width));
    f.le32(static_cast<std::uint32_t>(s.height)).le16(1).le16(static_cast<unsigned>(s.bpp));
    f.le32(s.compression).le32(static_cast<std::uint32_t>(data.size())).le32(2835).le32(2835);
    f.le32(static_cast<std::uint32_t>(s.palette.size())).le32(0);
    for (std::uint32_t m : s.masks) f.le32(m);
    if (s.header_size == 108) f.repeat(108 - 40 - s.masks.size() * 4, 0);
    for (std::uint32_t c : s.palette) f.le32(c);
    return f.raw(data).bytes;
}

// Rows padded to 4 bytes, as BMP stores them.
std::vector<std::uint8_t> rows(const std::vector<std::vector<std::uint8_t>>& in) {
    std::vector<std::uint8_t> out;
    for (const auto& row : in) {
        out.insert(out.end(), row.begin(), row.end());
        out.insert(out.end(), (4 - row.size() % 4) % 4, 0);
    }
    return out;
}

void check_same_as_oracle(const std::vector<std::uint8_t>& bytes) {
    fotogal::test::check_same_as_oracle(decode_bmp, bytes);
}

}  // namespace

TEST_CASE("bmp: every corpus BMP decodes as OpenCV did, or fails where it failed") {
    auto files = fotogal::test::corpus_files_of(ImageFormat::bmp);
    REQUIRE(files.size() >= 9);
    for (const auto& name : files) {
        CAPTURE(name);
        auto bytes = fotogal::test::read_corpus(name);
        cv::Mat expected = oracle(bytes);
        if (expected.empty()) {
            CHECK_FALSE(bmp_failure(bytes).empty());
            continue;
        }
        auto decoded = decode_bmp(bytes, fotogal::test::worker_request());
        const cv::Mat& actual = decoded.pixels;
        REQUIRE(actual.size() == expected.size());
        CHECK(decoded.colour.has_alpha == (actual.channels() == 4));
        if (name == "formats/bmp8_os2.bmp") {
            // OpenCV turned every OS/2 core-header palette into grey; we keep its colours.
            // Their grey (same weights) must be OpenCV's picture.
            REQUIRE(actual.type() == CV_8UC3);
            CHECK(expected.type() == CV_8UC1);
            cv::Mat grey;
            cv::cvtColor(actual, grey, cv::COLOR_BGR2GRAY);
            CHECK(max_abs_diff(grey, expected) <= 1);
            continue;
        }
        REQUIRE(actual.type() == expected.type());
        if (name == "formats/bmp16_565.bmp") {
            // OpenCV shifted 5/6-bit fields left (white became 248); we scale them to 0..255.
            // The stored bits, the top 5 (blue, red) and 6 (green) of each value, agree.
            cv::Mat top_bits = actual & cv::Scalar(0xF8, 0xFC, 0xF8);
            CHECK(max_abs_diff(top_bits, expected) == 0);
            CHECK(max_abs_diff(actual, expected) <= 7);
            continue;
        }
        CHECK(max_abs_diff(actual, expected) == 0);
    }
}

TEST_CASE("bmp: the corpus variants keep OpenCV's channel layout the pipeline expects") {
    auto rgba = decode_bmp(fotogal::test::read_corpus("formats/bmp32_rgba.bmp"), {});
    CHECK(rgba.pixels.type() == CV_8UC4);  // alpha mask in a V5 header
    CHECK(rgba.colour.has_alpha);
    CHECK(rgba.colour.model == ColourModel::bgr);
    auto topdown = decode_bmp(fotogal::test::read_corpus("formats/bmp32_topdown.bmp"), {});
    CHECK(topdown.pixels.type() == CV_8UC3);  // BI_RGB: the fourth byte is padding
    CHECK_FALSE(topdown.colour.has_alpha);
    // Dispatch reaches our decoder, not OpenCV's (which made the OS/2 palette grey).
    auto os2 = fotogal::pipeline::decode_image(
        ImageFormat::bmp, fotogal::test::read_corpus("formats/bmp8_os2.bmp"), {});
    CHECK(os2.pixels.type() == CV_8UC3);
}

TEST_CASE("bmp: the 3,000,000 x 2,000,000 bomb is refused before any allocation") {
    auto bomb = fotogal::test::read_corpus("bad/bomb_bmp_3000000x2000000.bmp");
    CHECK(bmp_failure(bomb) == "too_many_pixels");
    CHECK(bmp_failure(bomb, {}) == "too_many_pixels");  // no limit given: the default applies
    // Even allowed that many pixels, its 24 KB cannot hold 18 TB of them.
    CHECK(bmp_failure(bomb, {0, 0, std::uint64_t{1} << 62}) == "truncated");
}

TEST_CASE("bmp: an RLE8 run past the end of its row fails cleanly") {
    CHECK(bmp_failure(fotogal::test::read_corpus("bad/fuzz_rle8_row_overflow.bmp")) ==
          "undecodable");
    BmpSpec s{4, 2, 8, 1, {0x000000, 0xFF0000}};
    CHECK(bmp_failure(make_bmp(s, {5, 1, 0, 1})) == "undecodable");              // run of 5 in 4
    CHECK(bmp_failure(make_bmp(s, {0, 5, 1, 1, 1, 1, 1, 0})) == "undecodable");  // literal
    BmpSpec s4{4, 2, 4, 2, {0x000000, 0xFF0000}};
    CHECK(bmp_failure(make_bmp(s4, {6, 0x11, 0, 1})) == "undecodable");
}

TEST_CASE("bmp: RLE8 and RLE4 escapes (end of line, delta, end of bitmap) as OpenCV read them") {
    const std::vector<std::uint32_t> palette = {0x000000, 0xFF0000, 0x00FF00, 0x0000FF};
    // Row 0 (bottom): 2 x index 1, literal 2 3 3 (padded), end of line; row 1: delta one to
    // the right, 2 x index 2, end of line; row 2: a run filling the row exactly, then an end
    // of line (redundant in RLE8) and end of bitmap; row 3 stays index 0.
    std::vector<std::uint8_t> rle8 = {2, 1, 0, 3, 2, 3, 3, 0, 0, 0, 0, 2,
                                      1, 0, 2, 2, 0, 0, 5, 3, 0, 0, 0, 1};
    check_same_as_oracle(make_bmp({5, 4, 8, 1, palette}, rle8));
    // RLE4 alternates the two nibbles of a run; literals are padded to 16 bits.
    std::vector<std::uint8_t> rle4 = {5, 0x12, 0, 0, 0, 3, 0x32, 0x10, 0, 0, 0, 1};
    check_same_as_oracle(make_bmp({5, 3, 4, 2, palette}, rle4));
    // A top-down RLE8 picture.
    check_same_as_oracle(make_bmp({5, -4, 8, 1, palette}, rle8));
}

TEST_CASE("bmp: an RLE stream that stops before its end-of-bitmap code is truncated") {
    CHECK(bmp_failure(make_bmp({4, 4, 8, 1, {0, 0xFFFFFF}}, {4, 1, 0, 0, 4, 1})) == "truncated");
}

TEST_CASE("bmp: palette, 16-, 24- and 32-bit pixels, bottom-up and top-down") {
    // 1-bit with a colour palette, 9 pixels wide (two bytes per row plus padding).
    check_same_as_oracle(make_bmp({9, 2, 1, 0, {0x102030, 0xF0E0D0}},
                                  rows({{0b10110010, 0b10000000}, {0b01001101, 0}})));
    // 4-bit, grey palette: one channel, as OpenCV gave.
    BmpSpec grey4{3, 2, 4, 0, {0x000000, 0x808080, 0xFFFFFF}};
    check_same_as_oracle(make_bmp(grey4, rows({{0x01, 0x20}, {0x21, 0x00}})));
    CHECK(decode(make_bmp(grey4, rows({{0x01, 0x20}, {0x21, 0x00}}))).type() == CV_8UC1);
    // 8-bit top-down.
    check_same_as_oracle(
        make_bmp({3, -2, 8, 0, {0x0000FF, 0x00FF00}}, rows({{0, 1, 0}, {1, 1, 0}})));
    // 24-bit, 1xN and Nx1.
    check_same_as_oracle(
        make_bmp({1, 5, 24}, rows({{1, 2, 3}, {4, 5, 6}, {7, 8, 9}, {10, 11, 12}, {13, 14, 15}})));
    check_same_as_oracle(
        make_bmp({5, 1, 24}, rows({{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}})));
    // 32-bit BI_RGB: three channels, the fourth byte ignored.
    check_same_as_oracle(make_bmp({2, 1, 32}, rows({{1, 2, 3, 99, 4, 5, 6, 0}})));
    // 16-bit BI_RGB is 5-5-5; 0x7FFF is white, which OpenCV made 248.
    cv::Mat white = decode(make_bmp({1, 1, 16}, rows({{0xFF, 0x7F}})));
    CHECK(white.at<cv::Vec3b>(0, 0) == cv::Vec3b(255, 255, 255));
    CHECK(oracle(make_bmp({1, 1, 16}, rows({{0xFF, 0x7F}}))).at<cv::Vec3b>(0, 0) ==
          cv::Vec3b(248, 248, 248));
}

TEST_CASE("bmp: bit-field masks, and alpha only where the header declares it") {
    const std::vector<std::uint32_t> bgra = {0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000};
    auto v4 = make_bmp({2, 1, 32, 3, {}, 108, bgra}, rows({{1, 2, 3, 128, 4, 5, 6, 255}}));
    cv::Mat with_alpha = decode(v4);
    REQUIRE(with_alpha.type() == CV_8UC4);
    CHECK(with_alpha.at<cv::Vec4b>(0, 0) == cv::Vec4b(1, 2, 3, 128));
    check_same_as_oracle(v4);
    // An alpha mask whose every value is 0 means "no alpha" (browsers show such files).
    cv::Mat opaque =
        decode(make_bmp({2, 1, 32, 3, {}, 108, bgra}, rows({{1, 2, 3, 0, 4, 5, 6, 0}})));
    CHECK(opaque.type() == CV_8UC3);
    // Three masks after a 40-byte header declare no alpha: OpenCV still returned the fourth
    // byte as alpha (0 here: an invisible picture); we return BGR.
    auto no_alpha_mask =
        make_bmp({2, 1, 32, 3, {}, 40, {0xFF0000, 0xFF00, 0xFF}}, rows({{1, 2, 3, 0, 4, 5, 6, 0}}));
    cv::Mat opencv_bgra = oracle(no_alpha_mask), opencv_bgr;
    REQUIRE(opencv_bgra.type() == CV_8UC4);
    cv::cvtColor(opencv_bgra, opencv_bgr, cv::COLOR_BGRA2BGR);
    CHECK(max_abs_diff(decode(no_alpha_mask), opencv_bgr) == 0);
    // Masks in another order than BGRA (OpenCV copied the bytes as BGRA regardless).
    cv::Mat rgba =
        decode(make_bmp({1, 1, 32, 3, {}, 40, {0xFF, 0xFF00, 0xFF0000}}, rows({{10, 20, 30, 0}})));
    CHECK(rgba.at<cv::Vec3b>(0, 0) == cv::Vec3b(30, 20, 10));
    // 565 through BI_BITFIELDS after a 40-byte header: pure green is 0x07E0.
    cv::Mat green =
        decode(make_bmp({1, 1, 16, 3, {}, 40, {0xF800, 0x07E0, 0x001F}}, rows({{0xE0, 0x07}})));
    CHECK(green.at<cv::Vec3b>(0, 0) == cv::Vec3b(0, 255, 0));
}

TEST_CASE("bmp: cut-short pixels, broken headers and unsupported variants fail with a reason") {
    auto full = make_bmp({4, 4, 24}, std::vector<std::uint8_t>(48, 7));
    auto cut = full;
    cut.resize(cut.size() - 13);
    CHECK(bmp_failure(cut) == "truncated");
    // The last row's padding may be missing.
    auto no_last_pad = make_bmp({3, 2, 24}, std::vector<std::uint8_t>(12 + 9, 7));
    CHECK(bmp_failure(no_last_pad).empty());
    // A 60-byte file declaring 40000 x 40000 pixels.
    auto huge = make_bmp({40000, 40000, 24}, {1, 2, 3});
    CHECK(bmp_failure(huge) == "too_many_pixels");
    CHECK(bmp_failure(huge, {0, 0, 2'000'000'000}) == "truncated");
    CHECK(bmp_failure(make_bmp({0, 4, 24}, {})) == "invalid_header");
    CHECK(bmp_failure(make_bmp({-3, 4, 24}, {})) == "invalid_header");
    CHECK(bmp_failure(make_bmp({4, 0, 24}, {})) == "invalid_header");
    CHECK(bmp_failure(make_bmp({4, 4, 24, 4}, std::vector<std::uint8_t>(64))) == "undecodable");
    CHECK(bmp_failure(make_bmp({4, 4, 7}, std::vector<std::uint8_t>(64))) == "undecodable");
    auto header_only = make_bmp({4, 4, 24}, {});
    header_only.resize(30);
    CHECK(bmp_failure(header_only) == "truncated");
}
