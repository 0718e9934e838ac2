#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "pipeline_support.hpp"
#include "tagger_support.hpp"
#include "workers/pipeline/dnn_inputs.hpp"
#include "workers/pipeline/manifest.hpp"
#include "workers/pipeline/yolo_decode.hpp"

using nlohmann::json;
namespace pipeline = fotogal::pipeline;
namespace taggers = fotogal::pipeline::taggers;

namespace {

constexpr int kPerson = 0, kDog = 16, kTie = 27;  // lines of coco.names, from 0

// One YOLO output row: box as fractions of the input, then one score for each of 80 classes.
void set_row(cv::Mat& out, int row, cv::Rect2f box, int class_id, float score) {
    float* r = out.ptr<float>(row);
    std::fill(r, r + out.cols, 0.0f);
    r[0] = box.x + box.width / 2;
    r[1] = box.y + box.height / 2;
    r[2] = box.width;
    r[3] = box.height;
    r[4] = score;
    r[5 + class_id] = score;
}

bool has(const json& list, const std::string& value) {
    return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

TEST_CASE("objects: the letterbox keeps the aspect and maps boxes back to the source") {
    cv::Mat wide(256, 512, CV_8UC3, cv::Scalar(10, 20, 30));
    pipeline::Letterbox lb = pipeline::yolo_letterbox(wide, {320, 320});
    CHECK(lb.blob.size[0] == 1);
    CHECK(lb.blob.size[1] == 3);
    CHECK(lb.blob.size[2] == 320);
    CHECK(lb.blob.size[3] == 320);
    CHECK(lb.scale == doctest::Approx(0.625));
    CHECK(lb.offset == cv::Point2d(0, 80));
    // Channel 0 is red (RGB), scaled to 0..1; the padding rows are grey.
    CHECK(lb.blob.ptr<float>(0, 0)[160 * 320 + 160] == doctest::Approx(30 / 255.0).epsilon(0.01));
    CHECK(lb.blob.ptr<float>(0, 0)[0] == doctest::Approx(127 / 255.0).epsilon(0.01));
    cv::Rect2d back = lb.to_source({128, 96, 64, 128});
    CHECK(back.x == doctest::Approx(204.8));
    CHECK(back.y == doctest::Approx(25.6));
    CHECK(back.width == doctest::Approx(102.4));
    CHECK(back.height == doctest::Approx(204.8));
    // A picture smaller than the input is scaled up to fill it, like any other.
    pipeline::Letterbox small = pipeline::yolo_letterbox(cv::Mat(32, 64, CV_8UC3), {256, 256});
    CHECK(small.scale == doctest::Approx(4.0));
    CHECK(small.offset == cv::Point2d(0, 64));
}

TEST_CASE("objects: decoding keeps one box per object and class, best first, over the score") {
    pipeline::Letterbox lb = pipeline::yolo_letterbox(cv::Mat(256, 512, CV_8UC3), {320, 320});
    cv::Mat out(4, 85, CV_32F);
    set_row(out, 0, {0.4f, 0.3f, 0.2f, 0.4f}, kPerson, 0.9f);
    set_row(out, 1, {0.41f, 0.3f, 0.2f, 0.4f}, kPerson, 0.7f);  // the same person again
    set_row(out, 2, {0.4f, 0.3f, 0.2f, 0.4f}, kTie, 0.6f);      // same place, another class
    set_row(out, 3, {0.1f, 0.3f, 0.2f, 0.4f}, kDog, 0.3f);      // under the score
    auto found = pipeline::decode_yolo({out}, lb, {0.4f, 0.45f, 20});
    REQUIRE(found.size() == 2);
    CHECK(found[0].class_id == kPerson);
    CHECK(found[0].score == doctest::Approx(0.9));
    CHECK(found[0].box.x == doctest::Approx(0.4 * 320 / 0.625));
    CHECK(found[0].box.y == doctest::Approx((0.3 * 320 - 80) / 0.625));
    CHECK(found[1].class_id == kTie);
    CHECK(pipeline::decode_yolo({out}, lb, {0.4f, 0.45f, 1}).size() == 1);
    CHECK(pipeline::decode_yolo({out}, lb, {0.2f, 0.45f, 20}).size() == 3);
}

TEST_CASE("objects: a person on every photo of corpus faces/, each label once") {
    pipeline::Recipe recipe = fotogal::test::recipe_with(taggers::objects);
    for (const auto& entry :
         std::filesystem::directory_iterator(fotogal::test::corpus_file("faces"))) {
        std::string name = "faces/" + entry.path().filename().string();
        CAPTURE(name);
        auto staged = fotogal::test::corpus_through("tags", name, recipe);
        const pipeline::Job& job = *staged->job;
        const json& objects = job.tags.at("objects");
        REQUIRE(objects.is_array());
        std::set<std::string> labels;
        for (const auto& o : objects) {
            labels.insert(o.at("label").get<std::string>());
            double score = o.at("score").get<double>();
            CHECK(score >= 0.4);
            CHECK(score <= 1.0);
            const json& box = o.at("box");
            CHECK(box.at("x").get<int>() >= 0);
            CHECK(box.at("width").get<int>() > 0);
            CHECK(box.at("x").get<int>() + box.at("width").get<int>() <= job.oriented_width);
            CHECK(box.at("y").get<int>() + box.at("height").get<int>() <= job.oriented_height);
        }
        CHECK(labels.count("person") == 1);
        json manifest = pipeline::processed_manifest(job, {"id", "key", 1, "00"});
        CHECK(has(manifest.at("labels"), "person"));
        CHECK(manifest.at("labels").size() == labels.size());  // each label once
    }
}

TEST_CASE("objects: a plain grey picture has no objects and no labels") {
    pipeline::Recipe recipe = fotogal::test::recipe_with(taggers::objects);
    auto job = fotogal::test::run_loaded_tagger(recipe, taggers::objects,
                                                cv::Mat(384, 512, CV_8UC3, cv::Scalar::all(128)));
    CHECK(job->tags.at("objects").empty());
    CHECK(job->labels.empty());
}

TEST_CASE("objects: the thresholds come from the recipe") {
    cv::Mat photo = fotogal::test::corpus_through("analysis", "faces/dlib_group_2007_007763.jpg",
                                                  fotogal::test::recipe_with(taggers::objects))
                        ->job->analysis;
    auto count = [&](const json& settings) {
        pipeline::Recipe recipe = fotogal::test::recipe_with(taggers::objects, settings);
        return fotogal::test::run_loaded_tagger(recipe, taggers::objects, photo)
            ->tags.at("objects")
            .size();
    };
    std::size_t usual = count(json::object());
    CHECK(usual >= 3);
    CHECK(count({{"max_objects", 2}}) == 2);
    CHECK(count({{"min_score", 0.999}}) < usual);
}

TEST_CASE("objects: an input size the network cannot take is refused when the recipe loads") {
    CHECK_THROWS_AS(fotogal::test::recipe_with(taggers::objects, {{"input_size", 300}}),
                    pipeline::RecipeError);
    CHECK_THROWS_AS(fotogal::test::recipe_with(taggers::objects, {{"max_objects", 1000}}),
                    pipeline::RecipeError);
}

TEST_CASE("dnn taggers: on in the default recipe, off per recipe, in the fingerprint either way") {
    pipeline::Recipe usual = pipeline::default_recipe();
    json j = usual.canonical;
    CHECK(j.at("taggers").contains("objects"));
    CHECK(j.at("taggers").contains("moderation"));
    j["taggers"].erase("objects");
    pipeline::Recipe without = pipeline::parse_recipe(j);
    CHECK(without.fingerprint != usual.fingerprint);
    CHECK(without.resources.count("objects") == 0);  // its network is not even loaded
    auto staged = fotogal::test::corpus_through("tags", "faces/fr_two_people.jpg", without);
    CHECK_FALSE(staged->job->tags.contains("objects"));
    CHECK(staged->job->tags.contains("moderation"));
    j["taggers"]["moderation"]["hold_above"] = 0.99;
    CHECK(pipeline::parse_recipe(j).fingerprint != without.fingerprint);
}
