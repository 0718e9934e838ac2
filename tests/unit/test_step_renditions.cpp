#include <doctest/doctest.h>

#include "image_compare.hpp"
#include "pipeline_support.hpp"
#include "workers/pipeline/resample.hpp"

using fotogal::test::corpus_through;

namespace {

cv::Size size_of(const fotogal::pipeline::Job& job, const std::string& name) {
    for (const auto& r : job.renditions)
        if (r.spec->name == name) return r.pixels.size();
    return {};
}

}  // namespace

TEST_CASE("renditions: fit inside each box, aspect kept, from the oriented picture") {
    // 4928x3264 stored with orientation 8: seen as 3264x4928.
    auto staged = corpus_through("renditions", "photos/mei_Leica_T_Typ_701.jpg");
    const auto& job = *staged->job;
    CHECK(size_of(job, "large") == cv::Size(1356, 2048));
    CHECK(size_of(job, "medium") == cv::Size(678, 1024));
    CHECK(size_of(job, "small") == cv::Size(339, 512));
    CHECK(size_of(job, "thumb") == cv::Size());  // cover renditions are the next step's
}

TEST_CASE("renditions: small pictures are never upscaled") {
    auto staged = corpus_through("renditions", "formats/bmp24_v5.bmp");  // 128x128
    for (const char* name : {"large", "medium", "small"}) {
        CAPTURE(name);
        CHECK(size_of(*staged->job, name) == cv::Size(128, 128));
    }
}

TEST_CASE("renditions: the picture survives the chain of reductions") {
    auto staged = corpus_through("renditions", "orientation/Landscape_1.jpg");
    const auto& job = *staged->job;
    // The mean colour of the smallest rendition stays that of the decoded picture.
    cv::Scalar full = cv::mean(job.image);
    for (const auto& r : job.renditions) {
        cv::Scalar m = cv::mean(r.pixels);
        for (int c = 0; c < 3; ++c) CHECK(std::abs(m[c] - full[c]) < 2.0);
    }
}

TEST_CASE("renditions: each is the previous rendition reduced, largest first") {
    auto staged = corpus_through("renditions", "photos/mei_Nikon_D60.jpg");
    const auto& job = *staged->job;
    REQUIRE(job.renditions.size() == 3);
    const cv::Mat* previous = &job.image;
    for (const auto& r : job.renditions) {
        CAPTURE(r.spec->name);
        REQUIRE(r.pixels.total() < previous->total());
        cv::Mat expected = fotogal::pipeline::reduce(*previous, r.pixels.size());
        CHECK(cv::norm(expected, r.pixels, cv::NORM_INF) == 0.0);
        previous = &r.pixels;
    }
}
