#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"
#include "workers/pipeline/blurhash.hpp"

using fotogal::pipeline::blurhash_decode;
using fotogal::pipeline::blurhash_encode;

namespace {

// 32x24: red rises across (8 per column), green down (10 per row), blue 128.
cv::Mat gradient() {
    cv::Mat m(24, 32, CV_8UC3);
    for (int y = 0; y < 24; ++y)
        for (int x = 0; x < 32; ++x) m.at<cv::Vec3b>(y, x) = {128, uchar(y * 10), uchar(x * 8)};
    return m;
}

}  // namespace

// Reference value from the independent Python implementation on PyPI (`blurhash` 1.1.5):
// blurhash.encode([[[x*8, y*10, 128] for x in range(32)] for y in range(24)], 4, 3)
TEST_CASE("blurhash: matches a reference implementation on the same pixels") {
    CHECK(blurhash_encode(gradient(), 4, 3) == "LxH27k2swxX8mHWWjtf7gJfjfQfj");
}

TEST_CASE("blurhash: the size flag, and a flat picture is its own average colour") {
    cv::Mat flat(10, 10, CV_8UC3, cv::Scalar(30, 60, 90));
    std::string hash = blurhash_encode(flat, 4, 3);
    CHECK(hash.size() == 4 + 2 * 4 * 3);
    CHECK(hash[0] == 'L');  // (4 - 1) + (3 - 1) * 9 = 21
    // The average colour is stored exactly (4 digits); the placeholder averages to it.
    cv::Scalar back = cv::mean(blurhash_decode(hash, 10, 10));
    for (int c = 0; c < 3; ++c) CHECK(std::abs(back[c] - cv::Scalar(30, 60, 90)[c]) <= 3);
    CHECK_THROWS_AS(blurhash_decode("L00", 4, 4), std::invalid_argument);
    CHECK_THROWS_AS(blurhash_decode(hash + "00", 4, 4), std::invalid_argument);
}

TEST_CASE("blurhash: the tag decodes to a picture close to a heavy blur of the photo") {
    auto staged = fotogal::test::corpus_through("tags", "photos/mei_Canon_PowerShot_A85.jpg");
    const auto& job = *staged->job;
    std::string hash = job.tags.at("blurhash");
    cv::Mat placeholder = blurhash_decode(hash, 32, 24), small, blurred, diff;
    cv::resize(job.analysis, small, {32, 24}, 0, 0, cv::INTER_AREA);
    cv::GaussianBlur(small, blurred, {0, 0}, 4);
    cv::absdiff(placeholder, blurred, diff);
    cv::Scalar mean = cv::mean(diff);
    CHECK((mean[0] + mean[1] + mean[2]) / 3 < 25);
    // A different photo's placeholder is further away.
    cv::Mat other = blurhash_decode(
        fotogal::test::corpus_through("tags", "photos/mei_HTC_One.jpg")->job->tags.at("blurhash"),
        32, 24);
    cv::absdiff(other, blurred, diff);
    cv::Scalar other_mean = cv::mean(diff);
    CHECK((other_mean[0] + other_mean[1] + other_mean[2]) / 3 > (mean[0] + mean[1] + mean[2]) / 3);
}
