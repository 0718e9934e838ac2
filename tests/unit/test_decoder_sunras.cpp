// decode_sunras against OpenCV's imdecode on crafted Sun raster files where OpenCV read them
// right (24/32-bit, colour maps), and against known pixels where it did not (grey and 1-bit
// without a colour map came out black; byte-encoded and RGB-type files were refused). The
// corpus file is of the RGB type, so it is checked against the same picture stored as BMP.
#include <doctest/doctest.h>

#include "decoder_oracle.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::decode_sunras;
using fotogal::test::FileBuilder;
using fotogal::test::max_abs_diff;
using fotogal::test::oracle;

namespace {

std::string ras_failure(
    const std::vector<std::uint8_t>& bytes,
    fotogal::pipeline::DecodeRequest request = fotogal::test::worker_request()) {
    return fotogal::test::failure(decode_sunras, bytes, request);
}

cv::Mat decode(const std::vector<std::uint8_t>& bytes) {
    return decode_sunras(bytes, fotogal::test::worker_request()).pixels;
}

struct RasSpec {
    RasSpec(std::uint32_t w, std::uint32_t h, std::uint32_t bits, std::uint32_t kind = 1,
            std::uint32_t colour_map_type = 0, std::vector<std::uint8_t> colour_map = {})
        : width(w),
          height(h),
          depth(bits),
          type(kind),
          map_type(colour_map_type),
          map(std::move(colour_map)) {}
    std::uint32_t width, height, depth, type, map_type;
    std::vector<std::uint8_t> map;  // R plane, G plane, B plane
};

std::vector<std::uint8_t> make_ras(const RasSpec& s, const std::vector<std::uint8_t>& data) {
    FileBuilder f;
    f.be32(0x59a66a95).be32(s.width).be32(s.height).be32(s.depth);
    f.be32(static_cast<std::uint32_t>(data.size())).be32(s.type).be32(s.map_type);
    f.be32(static_cast<std::uint32_t>(s.map.size()));
    return f.raw(s.map).raw(data).bytes;
}

void check_same_as_oracle(const std::vector<std::uint8_t>& bytes) {
    fotogal::test::check_same_as_oracle(decode_sunras, bytes);
}

const std::vector<std::uint8_t> kColourMap = {255, 0, 10, 0, 255, 20, 0, 0, 30};  // 3 entries

}  // namespace

TEST_CASE("sunras: the corpus file (RGB type) is the picture its BMP twin holds") {
    auto files = fotogal::test::corpus_files_of(ImageFormat::sunras);
    REQUIRE(files == std::vector<std::string>{"formats/sunraster.ras"});
    auto bytes = fotogal::test::read_corpus(files[0]);
    CHECK(oracle(bytes).empty());  // why the e2e run used to list it as undecodable
    auto decoded = decode_sunras(bytes, fotogal::test::worker_request());
    CHECK(decoded.pixels.type() == CV_8UC3);
    CHECK(decoded.colour.model == fotogal::pipeline::ColourModel::bgr);
    // Both come from the same test picture (hopper) of Pillow's suite.
    cv::Mat twin = oracle(fotogal::test::read_corpus("formats/bmp24_v5.bmp"));
    CHECK(max_abs_diff(decoded.pixels, twin) == 0);
}

TEST_CASE("sunras: every depth, with and without a colour map, as OpenCV read them") {
    // 24-bit BGR, rows of 9 bytes padded to 10.
    check_same_as_oracle(make_ras(
        {3, 2, 24}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 11, 12, 13, 14, 15, 16, 17, 18, 19, 0}));
    // 32-bit XBGR.
    check_same_as_oracle(make_ras({2, 1, 32}, {0, 1, 2, 3, 0, 4, 5, 6}));
    // 8-bit with a colour map.
    check_same_as_oracle(make_ras({3, 2, 8, 1, 1, kColourMap}, {0, 1, 2, 0, 2, 1, 0, 0}));
    // 1xN.
    check_same_as_oracle(make_ras({1, 3, 24}, {1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0}));
}

TEST_CASE("sunras: grey and 1-bit pictures without a colour map, which OpenCV made black") {
    // OpenCV 4.6 filled its grey lookup only from a colour map: without one, every grey or
    // 1-bit Sun raster came out black. We read the samples as grey levels (8-bit) and a set
    // bit as black (1-bit), as Netpbm's rasttopnm does.
    auto grey = make_ras({4, 1, 8}, {0, 128, 255, 9});  // also N x 1
    CHECK(cv::countNonZero(oracle(grey)) == 0);
    cv::Mat px = decode(grey);
    REQUIRE(px.type() == CV_8UC1);
    CHECK(px.at<std::uint8_t>(0, 1) == 128);
    CHECK(px.at<std::uint8_t>(0, 3) == 9);
    // 10 pixels are two bytes a row.
    cv::Mat bits = decode(make_ras({10, 2, 1}, {0b10110000, 0b11000000, 0b01001111, 0}));
    REQUIRE(bits.type() == CV_8UC1);
    const std::vector<int> row0 = {0, 255, 0, 0, 255, 255, 255, 255, 0, 0};
    for (int x = 0; x < 10; ++x) CHECK(bits.at<std::uint8_t>(0, x) == row0[x]);
    CHECK(bits.at<std::uint8_t>(1, 1) == 0);
    CHECK(bits.at<std::uint8_t>(1, 9) == 255);
}

TEST_CASE("sunras: byte-encoded (RLE) data, runs across rows and literal 0x80") {
    // OpenCV 4.6 refused byte-encoded files altogether. 4 x 2 with a grey colour map: a run
    // of 6 x 0x10 (0x80 5 v), a literal 0x80 (0x80 0), a plain 0x20; the run crosses a row.
    auto rle = make_ras({4, 2, 8, 2}, {0x80, 5, 0x10, 0x80, 0x00, 0x20});
    CHECK(oracle(rle).empty());
    cv::Mat px = decode(rle);
    REQUIRE(px.type() == CV_8UC1);
    CHECK(px.at<std::uint8_t>(0, 3) == 0x10);
    CHECK(px.at<std::uint8_t>(1, 1) == 0x10);
    CHECK(px.at<std::uint8_t>(1, 2) == 0x80);
    CHECK(px.at<std::uint8_t>(1, 3) == 0x20);
    // The same pixels stored plainly decode the same.
    CHECK(max_abs_diff(px, decode(make_ras({4, 2, 8, 1}, {16, 16, 16, 16, 16, 16, 128, 32}))) == 0);
    // Colour through a colour map, byte-encoded: as the plain file OpenCV could read.
    auto rle_map = make_ras({3, 2, 8, 2, 1, kColourMap}, {0, 1, 2, 0, 0x80, 3, 1});
    check_same_as_oracle(make_ras({3, 2, 8, 1, 1, kColourMap}, {0, 1, 2, 0, 1, 1, 1, 0}));
    CHECK(max_abs_diff(decode(rle_map), oracle(make_ras({3, 2, 8, 1, 1, kColourMap},
                                                        {0, 1, 2, 0, 1, 1, 1, 0}))) == 0);
    // A last run longer than the picture: the excess is dropped.
    CHECK(ras_failure(make_ras({2, 2, 8, 2}, {0x80, 200, 0x33})).empty());
    CHECK(ras_failure(make_ras({4, 2, 8, 2}, {0x80, 5, 0x10})) == "truncated");
    CHECK(ras_failure(make_ras({4, 2, 8, 2}, {0x80})) == "truncated");
}

TEST_CASE("sunras: the RGB type stores red first") {
    auto bgr = make_ras({2, 1, 24, 1}, {1, 2, 3, 4, 5, 6});
    auto rgb = make_ras({2, 1, 24, 3}, {3, 2, 1, 6, 5, 4});
    CHECK(max_abs_diff(decode(rgb), decode(bgr)) == 0);
    auto xrgb = make_ras({1, 1, 32, 3}, {0, 30, 20, 10});
    CHECK(decode(xrgb).at<cv::Vec3b>(0, 0) == cv::Vec3b(10, 20, 30));
}

TEST_CASE("sunras: truncation, unsupported variants and huge sizes fail with a reason") {
    CHECK(ras_failure(make_ras({3, 2, 24}, {1, 2, 3})) == "truncated");
    CHECK(ras_failure(make_ras({3, 2, 16}, std::vector<std::uint8_t>(12))) == "undecodable");
    CHECK(ras_failure(make_ras({3, 2, 8, 4}, std::vector<std::uint8_t>(8))) == "undecodable");
    CHECK(ras_failure(make_ras({3, 2, 8, 1, 7}, std::vector<std::uint8_t>(8))) == "undecodable");
    CHECK(ras_failure(make_ras({0, 2, 8}, {})) == "invalid_header");
    auto short_map = make_ras({1, 1, 8, 1, 1, kColourMap}, {0, 0});
    short_map.resize(40);  // the colour map is cut
    CHECK(ras_failure(short_map) == "truncated");
    auto header_only = make_ras({1, 1, 8}, {0, 0});
    header_only.resize(20);
    CHECK(ras_failure(header_only) == "truncated");
    auto huge = make_ras({100000, 100000, 24}, {1, 2, 3});
    CHECK(ras_failure(huge) == "too_many_pixels");
    CHECK(ras_failure(huge, {0, 0, std::uint64_t{1} << 40}) == "truncated");
    // Byte-encoded data expands at most 256 bytes per 3: 3 bytes cannot hold 10^10 pixels.
    auto huge_rle = make_ras({100000, 100000, 8, 2}, {0x80, 255, 1});
    CHECK(ras_failure(huge_rle, {0, 0, std::uint64_t{1} << 40}) == "truncated");
}
