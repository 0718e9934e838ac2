// reduce and crisp_reduction (resample.hpp): the sharpening is real, touches no alpha and no
// picture that was not reduced, and keeps the picture's colour.
#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "image_compare.hpp"
#include "workers/pipeline/resample.hpp"

using namespace fotogal::pipeline;

namespace {

// Fine texture: one-pixel stripes under a smooth ramp, what area averaging softens.
cv::Mat texture(int w, int h) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            auto v = static_cast<uchar>(60 + (x * 120) / w + ((x / 3 + y / 5) % 2) * 60);
            m.at<cv::Vec3b>(y, x) = {v, static_cast<uchar>(255 - v), 128};
        }
    return m;
}

}  // namespace

TEST_CASE("resample: the final sharpening restores fine texture the reduction softened") {
    cv::Mat source = texture(900, 600);
    cv::Mat reduced = reduce(source, {300, 200});
    REQUIRE(reduced.size() == cv::Size(300, 200));
    cv::Mat crisp = crisp_reduction(reduced, source.size(), false);
    REQUIRE(crisp.size() == reduced.size());
    double before = fotogal::test::laplacian_variance(reduced);
    double after = fotogal::test::laplacian_variance(crisp);
    CHECK(after > before * 1.2);
    cv::Scalar m0 = cv::mean(reduced), m1 = cv::mean(crisp);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(m0[c] - m1[c]) < 1.5);
}

TEST_CASE("resample: a picture not reduced is neither resized nor sharpened") {
    cv::Mat source = texture(120, 80);
    cv::Mat same = reduce(source, source.size());
    CHECK(same.data == source.data);
    CHECK(crisp_reduction(same, source.size(), false).data == source.data);
    // A JPEG shrunk on load exactly to the size: libjpeg's scaling softened it, so it is
    // sharpened.
    CHECK(crisp_reduction(same, source.size(), true).data != source.data);
}

TEST_CASE("resample: alpha is reduced but never sharpened") {
    cv::Mat bgra;
    cv::cvtColor(texture(600, 400), bgra, cv::COLOR_BGR2BGRA);
    for (int y = 0; y < bgra.rows; ++y)
        for (int x = 0; x < bgra.cols; ++x) bgra.at<cv::Vec4b>(y, x)[3] = x % 7 ? 255 : 0;
    cv::Mat reduced = reduce(bgra, {200, 133});
    cv::Mat crisp = crisp_reduction(reduced, bgra.size(), false);
    REQUIRE(crisp.type() == CV_8UC4);
    cv::Mat a0, a1;
    cv::extractChannel(reduced, a0, 3);
    cv::extractChannel(crisp, a1, 3);
    CHECK(cv::norm(a0, a1, cv::NORM_INF) == 0.0);
}
