#include <doctest/doctest.h>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"

using fotogal::test::run_tagger;
namespace taggers = fotogal::pipeline::taggers;

TEST_CASE("tagger dominant colours: shares and names of a two-colour picture") {
    cv::Mat flag(90, 120, CV_8UC3, cv::Scalar(200, 70, 30));         // blue (BGR)
    flag(cv::Rect(0, 60, 120, 30)).setTo(cv::Scalar(40, 220, 240));  // yellow, a third
    auto palette = run_tagger(taggers::dominant_colours, flag);
    REQUIRE(palette.size() == 2);
    CHECK(palette[0].at("name") == "blue");
    CHECK(palette[0].at("share").get<double>() == doctest::Approx(2.0 / 3).epsilon(0.02));
    CHECK(palette[1].at("name") == "yellow");
    CHECK(palette[1].at("hex").get<std::string>().size() == 7);
}

TEST_CASE("tagger dominant colours: a real photo, the same palette every run") {
    auto a = fotogal::test::corpus_through("tags", "photos/mei_HTC_One.jpg")->job->tags;
    auto b = fotogal::test::corpus_through("tags", "photos/mei_HTC_One.jpg")->job->tags;
    CHECK(a.at("dominant_colours") == b.at("dominant_colours"));
    REQUIRE_FALSE(a.at("dominant_colours").empty());
    // A photo of foliage: green leads.
    CHECK(a.at("dominant_colours")[0].at("name").get<std::string>().find("green") !=
          std::string::npos);
    double total = 0;
    for (const auto& c : a.at("dominant_colours")) total += c.at("share").get<double>();
    CHECK(total <= 1.0001);
}

TEST_CASE("tagger dominant colours: a 1x1 picture has one colour") {
    cv::Mat dot(1, 1, CV_8UC3, cv::Scalar(0, 0, 200));
    auto palette = run_tagger(taggers::dominant_colours, dot);
    REQUIRE(palette.size() == 1);
    CHECK(palette[0].at("share") == 1.0);
    CHECK(palette[0].at("name") == "red");
}
