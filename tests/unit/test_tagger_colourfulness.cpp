#include <doctest/doctest.h>

#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"

using fotogal::test::run_tagger;
namespace taggers = fotogal::pipeline::taggers;

TEST_CASE(
    "tagger colourfulness: colour photos are not monochrome, their grey or colour-cast copies "
    "are") {
    cv::Mat colour =
        fotogal::test::corpus_through("analysis", "photos/mei_Nikon_D40.jpg")->job->analysis;
    cv::Mat grey, grey3, sepia;
    cv::cvtColor(colour, grey, cv::COLOR_BGR2GRAY);
    cv::cvtColor(grey, grey3, cv::COLOR_GRAY2BGR);
    // A warm cast over the grey values, as an old print has.
    cv::add(grey3, cv::Scalar(0, 25, 50), sepia);
    auto c = run_tagger(taggers::colourfulness, colour);
    CHECK_FALSE(c.at("monochrome").get<bool>());
    CHECK(run_tagger(taggers::colourfulness, grey3).at("monochrome").get<bool>());
    CHECK(run_tagger(taggers::colourfulness, sepia).at("monochrome").get<bool>());
    CHECK(run_tagger(taggers::colourfulness, grey3).at("score").get<double>() <
          c.at("score").get<double>());
}

TEST_CASE("tagger colourfulness: a nearly colourless real photo (a marble plaque) is monochrome") {
    auto tags = fotogal::test::corpus_through("tags", "photos/mei_Canon_EOS-1DS_Noise_Ninja.jpg")
                    ->job->tags;
    CHECK(tags.at("colourfulness").at("monochrome").get<bool>());
}
