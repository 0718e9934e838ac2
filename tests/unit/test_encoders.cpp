// The rendition encoders (libjpeg-turbo, libpng, libwebp directly), with OpenCV's imencode and
// imdecode (linked by the tests only) as the oracle: the same pictures come out as before.
#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/processing_error.hpp"

using namespace fotogal::pipeline;

namespace {

cv::Mat with_alpha(const cv::Mat& bgr) {
    cv::Mat bgra;
    cv::cvtColor(bgr, bgra, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < bgra.rows; ++y)
        for (int x = 0; x < bgra.cols; ++x)
            bgra.at<cv::Vec4b>(y, x)[3] = static_cast<uchar>(x * 7 + y);
    return bgra;
}

double max_diff(const cv::Mat& a, const cv::Mat& b) {
    REQUIRE(a.size() == b.size());
    REQUIRE(a.type() == b.type());
    return cv::norm(a, b, cv::NORM_INF);
}

}  // namespace

TEST_CASE("jpeg encoder: the same picture as OpenCV's imencode with quality and optimize") {
    cv::Mat bgr = fotogal::test::encoder_test_photo();
    REQUIRE(bgr.type() == CV_8UC3);
    for (int quality : {40, 85, 95}) {
        CAPTURE(quality);
        auto ours = encode_jpeg(bgr, quality);
        std::vector<uchar> theirs;
        REQUIRE(cv::imencode(".jpg", bgr, theirs,
                             {cv::IMWRITE_JPEG_QUALITY, quality, cv::IMWRITE_JPEG_OPTIMIZE, 1}));
        CHECK(max_diff(cv::imdecode(ours, cv::IMREAD_UNCHANGED),
                       cv::imdecode(theirs, cv::IMREAD_UNCHANGED)) == 0.0);
        // SOI then the JFIF APP0 and straight to the tables: no APP1 (EXIF/XMP), no APP2 (ICC).
        REQUIRE(ours.size() > 30);
        CHECK(ours[0] == 0xFF);
        CHECK(ours[1] == 0xD8);
        CHECK(ours[3] == 0xE0);
        std::size_t next = 4 + (std::size_t{ours[4]} << 8 | ours[5]);
        CHECK(ours[next + 1] == 0xDB);  // DQT
    }
    cv::Mat grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    CHECK(cv::imdecode(encode_jpeg(grey, 85), cv::IMREAD_UNCHANGED).channels() == 1);
}

TEST_CASE("png encoder: lossless for grey, BGR and BGRA, with no ancillary chunk") {
    cv::Mat bgr = fotogal::test::encoder_test_photo(), grey;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    for (const cv::Mat& m : {grey, bgr, with_alpha(bgr)}) {
        CAPTURE(m.channels());
        auto png = encode_png(m, 6);
        CHECK(max_diff(cv::imdecode(png, cv::IMREAD_UNCHANGED), m) == 0.0);
        std::string text(png.begin(), png.end());
        for (const char* chunk : {"tEXt", "zTXt", "iTXt", "eXIf", "iCCP", "pHYs", "tIME"})
            CHECK(text.find(chunk) == std::string::npos);
    }
    // The level is passed on: 9 is never larger than 1.
    CHECK(encode_png(bgr, 9).size() <= encode_png(bgr, 1).size());
}

TEST_CASE("webp encoder: the same picture as OpenCV's imencode; alpha kept") {
    cv::Mat bgr = fotogal::test::encoder_test_photo();
    auto ours = encode_webp(bgr, 80);
    std::vector<uchar> theirs;
    REQUIRE(cv::imencode(".webp", bgr, theirs, {cv::IMWRITE_WEBP_QUALITY, 80}));
    CHECK(max_diff(cv::imdecode(ours, cv::IMREAD_UNCHANGED),
                   cv::imdecode(theirs, cv::IMREAD_UNCHANGED)) == 0.0);
    cv::Mat bgra = with_alpha(bgr);
    cv::Mat back = cv::imdecode(encode_webp(bgra, 80), cv::IMREAD_UNCHANGED);
    REQUIRE(back.type() == CV_8UC4);
    std::vector<cv::Mat> a, b;
    cv::split(back, a);
    cv::split(bgra, b);
    CHECK(cv::norm(a[3], b[3], cv::NORM_INF) <= 2.0);  // lossy colour, near-exact alpha
    std::string text(ours.begin(), ours.end());
    CHECK(text.find("EXIF") == std::string::npos);
    CHECK(text.find("ICCP") == std::string::npos);
}

TEST_CASE("encoders: pixels they cannot write fail as encode_failed") {
    cv::Mat wide(4, 4, CV_16UC3, cv::Scalar::all(1000));
    CHECK_THROWS_AS(encode_jpeg(wide, 85), ProcessingError);
    CHECK_THROWS_AS(encode_png(wide, 6), ProcessingError);
    CHECK_THROWS_AS(encode_webp(wide, 85), ProcessingError);
    try {
        encode_jpeg(cv::Mat(4, 4, CV_8UC4), 85);
        FAIL("JPEG has no alpha");
    } catch (const ProcessingError& e) {
        CHECK(e.code() == "encode_failed");
    }
}
