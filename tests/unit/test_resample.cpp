// reduce (resample.hpp): a Lanczos3 reduction whose kernel widens with the factor. It keeps
// texture the box filter softens, drops texture finer than the new pixels instead of aliasing
// it, keeps flat colour exact in every depth and channel count, and gives exactly the size.
#include <doctest/doctest.h>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "corpus.hpp"
#include "image_compare.hpp"
#include "workers/pipeline/resample.hpp"

using fotogal::pipeline::reduce;

namespace {

// Fine texture: three-pixel stripes under a smooth ramp, what area averaging softens.
cv::Mat texture(int w, int h) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            auto v = static_cast<uchar>(60 + (x * 120) / w + ((x / 3 + y / 5) % 2) * 60);
            m.at<cv::Vec3b>(y, x) = {v, static_cast<uchar>(255 - v), 128};
        }
    return m;
}

double stddev_of(const cv::Mat& m) {
    cv::Scalar mean, stddev;
    cv::meanStdDev(m, mean, stddev);
    return stddev[0];
}

}  // namespace

TEST_CASE("resample: keeps fine texture that area averaging softens, colour unchanged") {
    // Wood grain, foliage and fabric: a real photo, reduced 2.9x as its 2048 px rendition is.
    cv::Mat source =
        cv::imread((fotogal::test::corpus_dir() / "photos/mei_Nikon_D60.jpg").string());
    REQUIRE_FALSE(source.empty());
    cv::Size size(source.cols * 10 / 29, source.rows * 10 / 29);
    cv::Mat lanczos = reduce(source, size);
    REQUIRE(lanczos.size() == size);
    REQUIRE(lanczos.type() == source.type());
    cv::Mat area;
    cv::resize(source, area, size, 0, 0, cv::INTER_AREA);
    CHECK(fotogal::test::laplacian_variance(lanczos) >
          fotogal::test::laplacian_variance(area) * 1.2);
    cv::Scalar m0 = cv::mean(area), m1 = cv::mean(lanczos);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(m0[c] - m1[c]) < 1.0);
}

TEST_CASE("resample: texture finer than the new pixels fades to grey instead of aliasing") {
    // One-pixel black and white columns reduced 5x: no output pixel can show them. A filter
    // that samples (nearest, or Lanczos with an unwidened kernel) turns them into false stripes.
    cv::Mat stripes(400, 1000, CV_8UC1);
    for (int x = 0; x < stripes.cols; ++x) stripes.col(x).setTo(x % 2 ? 255 : 0);
    cv::Mat reduced = reduce(stripes, {200, 80});
    CHECK(std::abs(cv::mean(reduced)[0] - 127.5) < 2.0);
    CHECK(stddev_of(reduced) < 4.0);
    cv::Mat sampled;
    cv::resize(stripes, sampled, {200, 80}, 0, 0, cv::INTER_LANCZOS4);
    CHECK(stddev_of(sampled) > 20.0);  // the control: the pattern does alias when sampled
}

TEST_CASE("resample: flat colour stays exact in every depth and channel count") {
    for (int depth : {CV_8U, CV_16U, CV_32F})
        for (int channels = 1; channels <= 4; ++channels) {
            CAPTURE(depth);
            CAPTURE(channels);
            cv::Mat flat(301, 457, CV_MAKETYPE(depth, channels), cv::Scalar(10, 200, 90, 255));
            cv::Mat reduced = reduce(flat, {37, 29});  // factors of 12 and 10: blocks first
            REQUIRE(reduced.size() == cv::Size(37, 29));
            REQUIRE(reduced.type() == flat.type());
            cv::Mat diff;
            cv::absdiff(reduced, cv::Scalar(10, 200, 90, 255), diff);
            double worst = 0;
            cv::minMaxLoc(diff.reshape(1), nullptr, &worst);
            CHECK(worst <= (depth == CV_32F ? 1e-3 : 0.0));
        }
}

TEST_CASE("resample: a picture already at the size is the same picture") {
    cv::Mat source = texture(120, 80);
    CHECK(reduce(source, source.size()).data == source.data);
}

TEST_CASE("resample: the extremes: one pixel out, one pixel in, one axis only") {
    cv::Mat source = texture(640, 480);
    cv::Mat dot = reduce(source, {1, 1});
    REQUIRE(dot.size() == cv::Size(1, 1));
    cv::Scalar mean = cv::mean(source);
    for (int c = 0; c < 3; ++c) CHECK(std::abs(dot.at<cv::Vec3b>(0, 0)[c] - mean[c]) < 3.0);
    cv::Mat line(1, 5000, CV_8UC3, cv::Scalar(1, 2, 3));
    cv::Mat shorter = reduce(line, {7, 1});
    CHECK(shorter.size() == cv::Size(7, 1));
    CHECK(cv::norm(shorter, cv::Mat(1, 7, CV_8UC3, cv::Scalar(1, 2, 3)), cv::NORM_INF) == 0.0);
    cv::Mat narrower = reduce(source, {213, 480});
    CHECK(narrower.size() == cv::Size(213, 480));
}

TEST_CASE("resample: an edge keeps its place (pixel centres map onto pixel centres)") {
    // A vertical edge at x = 600 of 1200 reduced 4x lands at 150 of 300: the two columns
    // around it are mirror images.
    cv::Mat edge(100, 1200, CV_8UC1, cv::Scalar(0));
    edge.colRange(600, 1200).setTo(200);
    cv::Mat reduced = reduce(edge, {300, 25});
    int left = reduced.at<uchar>(10, 149), right = reduced.at<uchar>(10, 150);
    CHECK(std::abs((left + right) - 200) <= 2);
    CHECK(reduced.at<uchar>(10, 140) <= 2);
    CHECK(reduced.at<uchar>(10, 160) >= 198);
}
