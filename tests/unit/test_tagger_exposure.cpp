#include <doctest/doctest.h>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"

using fotogal::test::run_tagger;
namespace taggers = fotogal::pipeline::taggers;

namespace {

nlohmann::json exposure_of(const std::string& file) {
    return fotogal::test::corpus_through("tags", file)->job->tags.at("exposure");
}

}  // namespace

TEST_CASE(
    "tagger exposure: a low-light bar photo is dark, a snow scene bright, a portrait normal") {
    CHECK(exposure_of("faces/dlib_group_2008_007676.jpg").at("level") == "dark");
    CHECK(exposure_of("photos/mei_Nikon_D3100.jpg").at("level") == "bright");  // high-key snow
    auto normal = exposure_of("faces/fr_obama.jpg");
    CHECK(normal.at("level") == "normal");
    CHECK_FALSE(normal.at("clipped").get<bool>());
}

TEST_CASE("tagger exposure: burnt-out highlights are clipped") {
    cv::Mat half(100, 100, CV_8UC3, cv::Scalar(120, 120, 120));
    half(cv::Rect(0, 0, 100, 20)).setTo(cv::Scalar(255, 255, 255));  // 20 % pure white
    auto e = run_tagger(taggers::exposure, half);
    CHECK(e.at("clipped").get<bool>());
    CHECK(e.at("highlights_clipped").get<double>() == doctest::Approx(0.2));
    CHECK(e.at("shadows_clipped").get<double>() == 0.0);
    CHECK_FALSE(
        run_tagger(taggers::exposure, half, {{"clipped_fraction", 0.5}}).at("clipped").get<bool>());
}
