// decode_pfm against OpenCV's imdecode on the corpus PFM and crafted ones (both byte orders,
// scale, grey and colour, truncation, huge sizes, 1xN and Nx1).
#include <doctest/doctest.h>

#include <cstring>

#include "decoder_oracle.hpp"

using fotogal::formats::ImageFormat;
using fotogal::pipeline::decode_pfm;
using fotogal::test::FileBuilder;
using fotogal::test::max_abs_diff;
using fotogal::test::oracle;

namespace {

std::string pfm_failure(
    const std::vector<std::uint8_t>& bytes,
    fotogal::pipeline::DecodeRequest request = fotogal::test::worker_request()) {
    return fotogal::test::failure(decode_pfm, bytes, request);
}

// Samples in file order (bottom row first, RGB), with the scale's byte order.
std::vector<std::uint8_t> make_pfm(char kind, int w, int h, const std::string& scale,
                                   const std::vector<float>& samples) {
    FileBuilder f;
    f.text(std::string("P") + kind + "\n" + std::to_string(w) + " " + std::to_string(h) + "\n" +
           scale + "\n");
    const bool little = scale[0] == '-';
    for (float v : samples) {
        std::uint32_t bits;
        std::memcpy(&bits, &v, sizeof bits);
        little ? f.le32(bits) : f.be32(bits);
    }
    return f.bytes;
}

void check_same_as_oracle(const std::vector<std::uint8_t>& bytes) {
    // Same float arithmetic (v * (1 / |scale|)), so the same bits.
    fotogal::test::check_same_as_oracle(decode_pfm, bytes);
}

}  // namespace

TEST_CASE("pfm: the corpus PFM decodes exactly as OpenCV did") {
    auto files = fotogal::test::corpus_files_of(ImageFormat::pfm);
    REQUIRE_FALSE(files.empty());
    for (const auto& name : files) {
        CAPTURE(name);
        auto bytes = fotogal::test::read_corpus(name);
        check_same_as_oracle(bytes);
        auto decoded = decode_pfm(bytes, {});
        CHECK(decoded.pixels.depth() == CV_32F);
        CHECK(decoded.colour.model == fotogal::pipeline::ColourModel::grey);
    }
}

TEST_CASE("pfm: both byte orders, the scale, colour as BGR, rows bottom-up") {
    // 2 x 3 colour, big-endian (positive scale), rows stored bottom first.
    std::vector<float> rgb;
    for (int i = 0; i < 18; ++i) rgb.push_back(0.25f * static_cast<float>(i) - 1.f);
    check_same_as_oracle(make_pfm('F', 2, 3, "1.0", rgb));
    check_same_as_oracle(make_pfm('F', 2, 3, "-1.0", rgb));
    cv::Mat px = decode_pfm(make_pfm('F', 2, 3, "-1.0", rgb), {}).pixels;
    REQUIRE(px.type() == CV_32FC3);
    // The first stored pixel is the bottom-left one, red first.
    CHECK(px.at<cv::Vec3f>(2, 0) == cv::Vec3f(-0.5f, -0.75f, -1.f));
    // |scale| divides every sample, as OpenCV applied it.
    check_same_as_oracle(make_pfm('f', 3, 1, "-4.0", {1.f, 2.f, 1e30f}));
    CHECK(decode_pfm(make_pfm('f', 3, 1, "-4.0", {1.f, 2.f, 8.f}), {}).pixels.at<float>(0, 2) ==
          2.f);
    // 1xN and Nx1.
    check_same_as_oracle(make_pfm('f', 1, 4, "-1.0", {1.f, 2.f, 3.f, 4.f}));
    check_same_as_oracle(make_pfm('f', 4, 1, "1.0", {1.f, 2.f, 3.f, 4.f}));
}

TEST_CASE("pfm: broken scale, truncation and huge sizes fail with a reason") {
    CHECK(pfm_failure(make_pfm('f', 1, 1, "0", {1.f})) == "invalid_header");
    CHECK(pfm_failure(make_pfm('f', 1, 1, "abc", {1.f})) == "invalid_header");
    CHECK(pfm_failure(make_pfm('f', 1, 1, "nan", {1.f})) == "invalid_header");
    CHECK(pfm_failure(make_pfm('f', 0, 1, "-1.0", {})) == "invalid_header");
    CHECK(pfm_failure(make_pfm('F', 2, 2, "-1.0", {1.f, 2.f, 3.f})) == "truncated");
    auto huge = make_pfm('F', 50000, 50000, "-1.0", {1.f});
    CHECK(pfm_failure(huge) == "too_many_pixels");
    CHECK(pfm_failure(huge, {0, 0, std::uint64_t{1} << 40}) == "truncated");
}
