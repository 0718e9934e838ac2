// YuNet, the default face detector, against the Haar cascade pair it replaced, on the
// corpus; and the start-up failure when its model file is missing or altered.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "pipeline_support.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"
#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/recipe.hpp"

using fotogal::test::corpus_through;
using nlohmann::json;
namespace pipeline = fotogal::pipeline;

namespace {

pipeline::Recipe recipe_with_detector(const std::string& detector) {
    auto j = pipeline::default_recipe().canonical;
    j["taggers"]["faces"]["detector"] = detector;
    return pipeline::parse_recipe(j);
}

json faces_of(const std::string& file, const pipeline::Recipe& recipe) {
    return corpus_through("faces", file, recipe)->job->tags.at("faces");
}

}  // namespace

TEST_CASE(
    "faces: YuNet is the default and finds at least the Haar pair's true faces on every "
    "photo of faces/") {
    auto yunet = pipeline::default_recipe();
    auto haar = recipe_with_detector("haar");
    for (const auto& e : std::filesystem::directory_iterator(fotogal::test::corpus_file("faces"))) {
        std::string photo = "faces/" + e.path().filename().string();
        CAPTURE(photo);
        json y = faces_of(photo, yunet), h = faces_of(photo, haar);
        CHECK(y.at("detector") == "yunet");
        CHECK(h.at("detector") == "haar");
        // Every box of the Haar pair on these photos is a true face (looked at, with the boxes
        // drawn), so YuNet has to find at least as many.
        CHECK(y.at("count").get<int>() >= h.at("count").get<int>());
    }
}

TEST_CASE("faces: each YuNet face has a score and five landmarks, the eyes inside its box") {
    json faces = faces_of("faces/fr_obama_and_biden.jpg", pipeline::default_recipe());
    REQUIRE(faces.at("count").get<int>() >= 2);
    for (const auto& b : faces.at("boxes")) {
        double score = b.at("score");
        CHECK(score >= 0.6);
        CHECK(score <= 1.0);
        REQUIRE(b.at("landmarks").size() == 5);
        for (int eye : {0, 1}) {
            const auto& p = b.at("landmarks").at(eye);
            CHECK(p.at("x").get<int>() >= b.at("x").get<int>());
            CHECK(p.at("x").get<int>() <= b.at("x").get<int>() + b.at("width").get<int>());
            CHECK(p.at("y").get<int>() >= b.at("y").get<int>());
            // Eyes sit in the upper part of the face.
            CHECK(p.at("y").get<int>() <= b.at("y").get<int>() + b.at("height").get<int>() / 2);
        }
    }
}

TEST_CASE(
    "faces: the Haar pair only when the recipe asks, and the detector is in the fingerprint") {
    auto yunet = pipeline::default_recipe();
    auto haar = recipe_with_detector("haar");
    CHECK(yunet.canonical.at("taggers").at("faces").at("detector") == "yunet");
    CHECK(yunet.fingerprint != haar.fingerprint);
    json h = faces_of("faces/fr_obama.jpg", haar);
    CHECK(h.at("count") >= 1);
    CHECK_FALSE(h.at("boxes").at(0).contains("landmarks"));
    auto j = yunet.canonical;
    j["taggers"]["faces"]["detector"] = "res10";
    CHECK_THROWS_AS(pipeline::parse_recipe(j), pipeline::RecipeError);
}

TEST_CASE("faces: the default recipe fails to load when YuNet's model is missing or altered") {
    fotogal::test::TempDir models;
    const char* before = std::getenv("FOTOGAL_MODELS");
    std::string saved = before ? before : "";
    setenv("FOTOGAL_MODELS", models.path().c_str(), 1);
    std::string missing, corrupt;
    try {
        pipeline::default_recipe();
    } catch (const pipeline::dnn::ModelError& e) {
        missing = e.what();
    }
    std::ofstream(models.path() / "face_detection_yunet_2023mar.onnx") << "not a network";
    try {
        pipeline::default_recipe();
    } catch (const pipeline::dnn::ModelError& e) {
        corrupt = e.what();
    }
    // The Haar pair needs no model file.
    auto j = json::parse(R"({"renditions": [{"name": "t", "width": 64, "height": 64}],
                            "taggers": {"faces": {"detector": "haar"}}})");
    CHECK_NOTHROW(pipeline::parse_recipe(j));
    if (before)
        setenv("FOTOGAL_MODELS", saved.c_str(), 1);
    else
        unsetenv("FOTOGAL_MODELS");
    CHECK(missing.find("recipe.taggers.faces: model face_detection_yunet_2023mar.onnx missing at " +
                       models.path().string()) != std::string::npos);
    CHECK(missing.find("scripts/models.sh") != std::string::npos);
    CHECK(corrupt.find("face_detection_yunet_2023mar.onnx corrupt") != std::string::npos);
}

// The shipped binaries fail at start, before any image, naming the file and the fix.
TEST_CASE("faces: fotogal-process and fotogal-worker refuse to start without the models") {
    fotogal::test::TempDir models, out;
    for (std::string binary : {"fotogal-process", "fotogal-worker"}) {
        CAPTURE(binary);
        std::string command =
            "FOTOGAL_MODELS='" + models.path().string() + "' exec '" + FOTOGAL_BIN_DIR + "/" +
            binary + "' " +
            (binary == "fotogal-process"
                 ? "'" + fotogal::test::corpus_file("faces/fr_obama.jpg").string() + "' --out '" +
                       out.path().string() + "'"
                 : std::string()) +
            " 2>&1";
        auto r = fotogal::test::run_program({"/bin/sh", "-c", command});
        CHECK(r.exit_code != 0);
        CHECK(r.out.find("face_detection_yunet_2023mar.onnx missing at " +
                         models.path().string()) != std::string::npos);
        CHECK(r.out.find("scripts/models.sh") != std::string::npos);
    }
    CHECK(std::filesystem::is_empty(out.path()));
}
