// The TIFF decoder (libtiff from memory): the corpus layouts, ICC, fuzzer files failing
// cleanly, and hand-made files for what the corpus lacks (64-bit float, lying tile sizes).
#include <doctest/doctest.h>

#include <cstring>

#include "decoder_oracle.hpp"
#include "pipeline_support.hpp"
#include "workers/pipeline/processing_error.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::ColourModel;
using fotogal::pipeline::decode_tiff;
using fotogal::pipeline::ProcessingError;

namespace {

using Bytes = std::vector<std::uint8_t>;

// A little-endian baseline TIFF: one strip of `data`, the given tags (all SHORT or LONG
// values that fit in the entry), sorted as the spec wants.
Bytes make_tiff(std::vector<std::pair<std::uint16_t, std::uint32_t>> tags, const Bytes& data) {
    Bytes out{'I', 'I', 42, 0};
    auto u16 = [&](std::uint16_t v) {
        out.insert(out.end(), {std::uint8_t(v), std::uint8_t(v >> 8)});
    };
    auto u32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) out.push_back(std::uint8_t(v >> (8 * i)));
    };
    u32(8);
    const std::uint32_t data_offset = 8 + 2 + 12 * static_cast<std::uint32_t>(tags.size() + 2) + 4;
    tags.push_back({273, data_offset});                              // StripOffsets
    tags.push_back({279, static_cast<std::uint32_t>(data.size())});  // StripByteCounts
    std::sort(tags.begin(), tags.end());
    u16(static_cast<std::uint16_t>(tags.size()));
    for (auto [tag, value] : tags) {
        bool is_long = tag == 273 || tag == 279 || tag == 256 || tag == 257 || tag == 322 ||
                       tag == 323 || tag == 278;
        u16(tag);
        u16(is_long ? 4 : 3);
        u32(1);
        if (is_long) {
            u32(value);
        } else {
            u16(static_cast<std::uint16_t>(value));
            u16(0);
        }
    }
    u32(0);  // no next IFD
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

std::string failure(const Bytes& tiff) {
    try {
        decode_tiff(tiff, {0, 0, 100'000'000});
    } catch (const ProcessingError& e) {
        return e.code();
    }
    return "";
}

}  // namespace

TEST_CASE("tiff decoder: stored samples decode to exactly what OpenCV's imread gives") {
    for (const char* f : {"formats/tiff16_rgb.tif", "formats/tiff_bigtiff.tif",
                          "formats/tiff_rgb_deflate.tiff", "formats/tiff_rgb_lzw.tif",
                          "formats/tiff_rgb_uncompressed.tif", "formats/tiff_tiled_planar_lzw.tiff",
                          "formats/tiff_rgb_jpeg.tif", "formats/tiff_float32_rgb.tiff"}) {
        CAPTURE(f);
        auto decoded = fotogal::test::decode_corpus(ImageFormat::tiff, f);
        CHECK(fotogal::test::max_diff_from_opencv(decoded.pixels, f) == 0.0);
    }
}

TEST_CASE("tiff decoder: layouts: 16-bit, float, CMYK raw, bilevel grey, palette colours") {
    auto wide = fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff16_rgb.tif");
    CHECK(wide.pixels.depth() == CV_16U);
    auto real = fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff_float32_rgb.tiff");
    CHECK(real.pixels.type() == CV_32FC3);
    auto cmyk = fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff_cmyk_jpeg.tif");
    CHECK(cmyk.colour.model == ColourModel::cmyk);
    CHECK(cmyk.pixels.type() == CV_8UC4);
    auto bilevel = fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff_g4_bilevel.tif");
    CHECK(bilevel.colour.model == ColourModel::grey);
    REQUIRE(bilevel.pixels.type() == CV_8UC1);
    int black = cv::countNonZero(bilevel.pixels == 0),
        white = cv::countNonZero(bilevel.pixels == 255);
    CHECK(black > 0);
    CHECK(white > 0);
    CHECK(black + white == static_cast<int>(bilevel.pixels.total()));
    // A 1-bit palette picture (black and green): its colours, not the raw indices as grey.
    auto palette = fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff_multipage.tiff");
    REQUIRE(palette.pixels.type() == CV_8UC3);
    CHECK(palette.pixels.at<cv::Vec3b>(0, 0) == cv::Vec3b(0, 128, 0));
}

TEST_CASE("tiff decoder: the ICC profile comes from the ICCProfile tag") {
    auto icc = fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff_exif_BSG1.tiff");
    REQUIRE(icc.colour.icc_profile.size() > 128);
    CHECK(std::string(icc.colour.icc_profile.begin() + 36, icc.colour.icc_profile.begin() + 40) ==
          "acsp");
    CHECK(fotogal::test::decode_corpus(ImageFormat::tiff, "formats/tiff_rgb_lzw.tif")
              .colour.icc_profile.empty());
}

TEST_CASE("tiff decoder: fuzzer files fail cleanly with libtiff's reason") {
    for (const char* f : {"bad/fuzz_crash-0c7e0e8e.tif", "bad/fuzz_libtiff_segfault.tif",
                          "bad/fuzz_oom-225817ca.tif"}) {
        CAPTURE(f);
        try {
            fotogal::test::decode_corpus(ImageFormat::tiff, f);
            FAIL("must not decode");
        } catch (const ProcessingError& e) {
            CHECK(e.code() == "undecodable");
            CHECK(std::string(e.what()).find("libtiff") == 0);
        }
    }
}

TEST_CASE("tiff decoder: 64-bit float grey becomes 32-bit float and goes through the pipeline") {
    double samples[4] = {0.0, 0.25, 0.5, 1.0};
    Bytes data(sizeof samples);
    std::memcpy(data.data(), samples, sizeof samples);
    Bytes tiff = make_tiff(
        {{256, 2}, {257, 2}, {258, 64}, {259, 1}, {262, 1}, {277, 1}, {278, 2}, {339, 3}}, data);
    auto decoded = decode_tiff(tiff, {0, 0, 0});
    REQUIRE(decoded.pixels.type() == CV_32FC1);
    CHECK(decoded.pixels.at<float>(1, 0) == doctest::Approx(0.5));
    CHECK(decoded.colour.model == ColourModel::grey);
    auto staged = fotogal::test::run_through("encode", tiff);
    CHECK(staged->job->outputs.size() == staged->recipe.renditions.size());
}

TEST_CASE("tiff decoder: lying sizes fail before anything large is allocated") {
    Bytes four(4, 0x80);
    // A 2x2 grey picture whose single tile claims to be 65536 x 65536.
    Bytes tiled = make_tiff(
        {{256, 2}, {257, 2}, {258, 8}, {259, 1}, {262, 1}, {277, 1}, {322, 65536}, {323, 65536}},
        four);
    // TileOffsets/TileByteCounts missing: make_tiff wrote strip tags; libtiff says so.
    CHECK(failure(tiled) == "undecodable");
    // Samples per pixel far beyond any real file.
    CHECK(failure(make_tiff({{256, 2}, {257, 2}, {258, 8}, {259, 1}, {262, 2}, {277, 60000}},
                            four)) == "undecodable");
    // Over max_pixels: refused from the header.
    Bytes big =
        make_tiff({{256, 60000}, {257, 60000}, {258, 8}, {259, 1}, {262, 1}, {277, 1}}, four);
    try {
        decode_tiff(big, {0, 0, 100'000'000});
        FAIL("over the limit");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "too_many_pixels");
    }
    // Within the pixel limit, but 8 samples of 64 bits: 6.4 GB of samples, refused unread.
    try {
        decode_tiff(
            make_tiff(
                {{256, 10000}, {257, 10000}, {258, 64}, {259, 1}, {262, 1}, {277, 8}, {339, 3}},
                four),
            {0, 0, 100'000'000});
        FAIL("over the sample budget");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "too_many_pixels");
    }
    // A strip that stops short: libtiff's read error, not a picture of garbage.
    CHECK(failure(make_tiff({{256, 64}, {257, 64}, {258, 8}, {259, 1}, {262, 1}, {277, 1}},
                            four)) == "undecodable");
}
