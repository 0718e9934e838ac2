#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"
#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/dnn_inputs.hpp"
#include "workers/pipeline/manifest.hpp"

using nlohmann::json;
namespace pipeline = fotogal::pipeline;
namespace taggers = fotogal::pipeline::taggers;

namespace {

// Skin tones in soft blobs: open_nsfw's "not safe" output goes near 0.8 on this (drawn here,
// nothing but ellipses), while random noise sends it under 0.001.
cv::Mat skin_blobs() {
    cv::Mat m(384, 512, CV_8UC3, cv::Scalar(140, 170, 225));
    cv::ellipse(m, {256, 192}, {150, 120}, 0, 0, 360, cv::Scalar(100, 120, 200), -1);
    cv::ellipse(m, {200, 170}, {20, 20}, 0, 0, 360, cv::Scalar(90, 100, 170), -1);
    cv::ellipse(m, {312, 170}, {20, 20}, 0, 0, 360, cv::Scalar(90, 100, 170), -1);
    cv::GaussianBlur(m, m, {0, 0}, 15);
    return m;
}

cv::Mat noise() {
    cv::Mat m(384, 512, CV_8UC3);
    cv::RNG rng(7);
    rng.fill(m, cv::RNG::UNIFORM, 0, 256);
    return m;
}

cv::Mat analysis_of(const std::string& corpus_file) {
    return fotogal::test::corpus_through("analysis", corpus_file,
                                         fotogal::test::recipe_with(taggers::moderation))
        ->job->analysis;
}

double nsfw_of(const pipeline::Recipe& recipe, const cv::Mat& bgr) {
    return fotogal::test::run_loaded_tagger(recipe, taggers::moderation, bgr)
        ->tags.at("moderation")
        .at("nsfw")
        .get<double>();
}

}  // namespace

TEST_CASE("moderation: the score is the network's 'not safe' output, which a control moves") {
    auto onnx = pipeline::dnn::read_model(pipeline::dnn::kOpenNsfw);
    cv::dnn::Net raw = cv::dnn::readNetFromONNX(onnx);
    pipeline::Recipe recipe = fotogal::test::recipe_with(taggers::moderation);
    for (const cv::Mat& input : {skin_blobs(), noise(), analysis_of("faces/fr_obama.jpg"),
                                 analysis_of("photos/mei_Nikon_D90.jpg")}) {
        raw.setInput(pipeline::open_nsfw_blob(input));
        cv::Mat out = raw.forward().reshape(1, 1);
        REQUIRE(out.total() == 2);
        float sfw = out.at<float>(0, 0), nsfw = out.at<float>(0, 1);
        CHECK(sfw + nsfw == doctest::Approx(1.0).epsilon(1e-4));  // a softmax of two
        CHECK(nsfw_of(recipe, input) == doctest::Approx(nsfw).epsilon(1e-4));
    }
    // The control: the score must move with the content, so output 0 ("safe") would fail.
    double blobs = nsfw_of(recipe, skin_blobs()), random = nsfw_of(recipe, noise());
    CHECK(blobs > 0.5);
    CHECK(random < 0.05);
}

TEST_CASE("moderation: every photo of the corpus scores low, none sensitive or held") {
    pipeline::Recipe recipe = fotogal::test::recipe_with(taggers::moderation);
    for (const char* folder : {"photos", "faces"})
        for (const auto& entry :
             std::filesystem::directory_iterator(fotogal::test::corpus_file(folder))) {
            std::string name = std::string(folder) + "/" + entry.path().filename().string();
            CAPTURE(name);
            auto staged = fotogal::test::corpus_through("tags", name, recipe);
            const json& m = staged->job->tags.at("moderation");
            CHECK(m.at("nsfw").get<double>() < 0.2);
            CHECK(m.at("sensitive") == false);
            CHECK_FALSE(staged->job->held);
            CHECK(staged->job->labels.empty());
        }
}

TEST_CASE("moderation: over the thresholds an image is labelled sensitive, then held") {
    cv::Mat control = skin_blobs();  // scores about 0.8
    pipeline::Recipe labelled = fotogal::test::recipe_with(
        taggers::moderation, {{"sensitive_above", 0.5}, {"hold_above", 1.0}});
    auto job = fotogal::test::run_loaded_tagger(labelled, taggers::moderation, control);
    CHECK(job->tags.at("moderation").at("sensitive") == true);
    CHECK(job->tags.at("moderation").at("held") == false);
    CHECK(job->labels == std::vector<std::string>{"sensitive"});
    CHECK_FALSE(job->held);

    pipeline::Recipe holding = fotogal::test::recipe_with(
        taggers::moderation, {{"sensitive_above", 0.5}, {"hold_above", 0.6}});
    job = fotogal::test::run_loaded_tagger(holding, taggers::moderation, control);
    CHECK(job->held);
    json manifest = pipeline::processed_manifest(*job, {"id", "key", 1, "00"});
    CHECK(manifest.at("held") == true);
    CHECK(manifest.at("labels") == json::array({"sensitive"}));
    CHECK(manifest.at("tags").at("moderation").at("held") == true);

    // The default hold (over 0.95) leaves the control alone.
    pipeline::Recipe defaults = fotogal::test::recipe_with(taggers::moderation);
    CHECK_FALSE(fotogal::test::run_loaded_tagger(defaults, taggers::moderation, control)->held);
}

TEST_CASE("moderation: thresholds outside 0..1 are refused when the recipe loads") {
    CHECK_THROWS_AS(fotogal::test::recipe_with(taggers::moderation, {{"hold_above", 1.5}}),
                    pipeline::RecipeError);
    CHECK_THROWS_AS(fotogal::test::recipe_with(taggers::moderation, {{"sensitive_above", -1}}),
                    pipeline::RecipeError);
}
