// The AVIF encoder (libheif's AV1 encoder), checked by decoding its files with our own HEIF
// decoder: the size, the picture (lossy, so near) and the alpha come back.
#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>
#include <string>

#include "image_compare.hpp"
#include "pipeline_support.hpp"
#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/processing_error.hpp"

using namespace fotogal::pipeline;

namespace {

cv::Mat decode(const std::vector<std::uint8_t>& avif) {
    return decode_heif(avif, DecodeRequest{0, 0, 0}).pixels;
}

}  // namespace

TEST_CASE("avif encoder: this build can encode AVIF (libheif with libaom)") {
    CHECK(avif_encoder_available());
}

TEST_CASE("avif encoder: decodes back to the same size and nearly the same picture") {
    cv::Mat bgr = fotogal::test::encoder_test_photo();
    REQUIRE(bgr.type() == CV_8UC3);
    auto avif = encode_avif(bgr, 80);
    REQUIRE(avif.size() > 12);
    CHECK(std::string(avif.begin() + 4, avif.begin() + 12) == "ftypavif");
    cv::Mat back = decode(avif);
    REQUIRE(back.size() == bgr.size());
    REQUIRE(back.type() == CV_8UC3);
    CHECK(fotogal::test::ssim(back, bgr) > 0.9);
    // Quality is passed on: a lower quality makes a smaller file.
    CHECK(encode_avif(bgr, 30).size() < avif.size());
    std::string text(avif.begin(), avif.end());
    CHECK(text.find("Exif") == std::string::npos);
}

TEST_CASE("avif encoder: alpha is kept, and grey pictures are accepted") {
    cv::Mat bgra;
    cv::cvtColor(fotogal::test::encoder_test_photo(), bgra, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < bgra.rows; ++y)
        for (int x = 0; x < bgra.cols; ++x)
            bgra.at<cv::Vec4b>(y, x)[3] = x < bgra.cols / 2 ? 0 : 255;
    cv::Mat back = decode(encode_avif(bgra, 80));
    REQUIRE(back.type() == CV_8UC4);
    CHECK(back.at<cv::Vec4b>(bgra.rows / 2, 2)[3] < 16);
    CHECK(back.at<cv::Vec4b>(bgra.rows / 2, bgra.cols - 3)[3] > 239);
    cv::Mat grey;
    cv::cvtColor(fotogal::test::encoder_test_photo(), grey, cv::COLOR_BGR2GRAY);
    CHECK(decode(encode_avif(grey, 80)).size() == grey.size());
}

TEST_CASE("avif encoder: pixels it cannot write fail as encode_failed") {
    try {
        encode_avif(cv::Mat(4, 4, CV_16UC3, cv::Scalar::all(1000)), 80);
        FAIL("16-bit pixels reach the encoder only after to_srgb");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "encode_failed");
    }
}
