#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"

using fotogal::test::run_tagger;
namespace taggers = fotogal::pipeline::taggers;

TEST_CASE("tagger sharpness: a sharp photo passes, the same photo out of focus is blurry") {
    cv::Mat sharp = fotogal::test::corpus_through("analysis", "faces/fr_obama.jpg")->job->analysis;
    cv::Mat blurred;
    cv::GaussianBlur(sharp, blurred, {0, 0}, 3.0);
    auto a = run_tagger(taggers::sharpness, sharp), b = run_tagger(taggers::sharpness, blurred);
    CHECK_FALSE(a.at("blurry").get<bool>());
    CHECK(b.at("blurry").get<bool>());
    CHECK(a.at("score").get<double>() > 10 * b.at("score").get<double>());
}

TEST_CASE("tagger sharpness: the threshold comes from the recipe") {
    cv::Mat sharp = fotogal::test::corpus_through("analysis", "faces/fr_obama.jpg")->job->analysis;
    CHECK(run_tagger(taggers::sharpness, sharp, {{"blurry_below", 1e9}}).at("blurry") == true);
}
