#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"

using fotogal::test::corpus_through;

namespace {

const cv::Mat& thumb(const fotogal::pipeline::Job& job) {
    for (const auto& r : job.renditions)
        if (r.spec->name == "thumb") return r.pixels;
    throw std::logic_error("no thumbnail");
}

}  // namespace

TEST_CASE("thumbnail: the box is filled exactly, landscape or portrait") {
    for (const char* file : {"photos/exif_HMD_Nokia_8.3_5G.jpg", "photos/mei_Nexus_4.jpg",
                             "orientation/Portrait_6.jpg"}) {
        CAPTURE(file);
        auto staged = corpus_through("thumbnail", file);
        CHECK(thumb(*staged->job).size() == cv::Size(256, 256));
    }
}

TEST_CASE("thumbnail: the centre of the picture is kept") {
    auto staged = corpus_through("thumbnail", "orientation/Landscape_1.jpg");
    const auto& job = *staged->job;
    // 1800x1200 -> 384x256, then the middle 256 columns.
    cv::Mat scaled, expected, diff;
    cv::resize(job.image, scaled, {384, 256}, 0, 0, cv::INTER_AREA);
    expected = scaled(cv::Rect(64, 0, 256, 256));
    cv::absdiff(thumb(job), expected, diff);
    CHECK(cv::mean(diff)[0] < 2.0);
    cv::absdiff(thumb(job), scaled(cv::Rect(0, 0, 256, 256)), diff);
    CHECK(cv::mean(diff)[0] > 5.0);  // a left crop would not pass
}

TEST_CASE("thumbnail: a picture smaller than the box is not upscaled") {
    auto staged = corpus_through("thumbnail", "formats/jpeg_progressive_peacock.jpeg");  // 100x75
    CHECK(thumb(*staged->job).size() == cv::Size(100, 75));
}
