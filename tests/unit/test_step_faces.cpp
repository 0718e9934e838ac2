#include <doctest/doctest.h>

#include <filesystem>

#include "pipeline_support.hpp"
#include "workers/pipeline/recipe.hpp"

using fotogal::test::corpus_through;

namespace {

std::vector<std::string> files_in(const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(fotogal::test::corpus_file(dir)))
        files.push_back(dir + "/" + e.path().filename().string());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

// Every image of faces/ shows at least one frontal face (SOURCES.md).
TEST_CASE("faces: found in every photo of faces/, with boxes inside the upright picture") {
    auto files = files_in("faces");
    REQUIRE(files.size() >= 10);
    for (const auto& file : files) {
        CAPTURE(file);
        auto staged = corpus_through("faces", file);
        const auto& job = *staged->job;
        const auto& faces = job.tags.at("faces");
        CHECK(faces.at("count").get<int>() >= 1);
        CHECK(faces.at("boxes").size() == faces.at("count").get<std::size_t>());
        for (const auto& b : faces.at("boxes")) {
            CHECK(b.at("x").get<int>() >= 0);
            CHECK(b.at("x").get<int>() + b.at("width").get<int>() <= job.oriented_width);
            CHECK(b.at("y").get<int>() + b.at("height").get<int>() <= job.oriented_height);
        }
    }
    // Group photos: several people found, not just one.
    CHECK(corpus_through("faces", "faces/dlib_group_2008_004176.jpg")
              ->job->tags.at("faces")
              .at("count")
              .get<int>() >= 4);
}

TEST_CASE("faces: none on the landscape and portrait photos of orientation/ (no face shown)") {
    for (const auto& file : files_in("orientation")) {
        CAPTURE(file);
        CHECK(corpus_through("faces", file)->job->tags.at("faces").at("count") == 0);
    }
}

TEST_CASE("faces: a missing cascade file is a recipe error at startup, naming the file") {
    auto j = fotogal::pipeline::default_recipe().canonical;
    j["taggers"]["faces"]["cascade"] = "no_such_cascade.xml";
    try {
        fotogal::pipeline::parse_recipe(j);
        FAIL("expected a RecipeError");
    } catch (const fotogal::pipeline::RecipeError& e) {
        std::string message = e.what();
        CHECK(message.find("no_such_cascade.xml") != std::string::npos);
        CHECK(message.find("opencv-data") != std::string::npos);
    }
}

TEST_CASE("faces: the detector is loaded once with the recipe, and only when asked for") {
    auto recipe = fotogal::pipeline::default_recipe();
    REQUIRE(recipe.resources.contains("faces"));
    auto copy = recipe;
    CHECK(copy.resources.at("faces").get() == recipe.resources.at("faces").get());
    auto j = recipe.canonical;
    j["taggers"].erase("faces");
    auto without = fotogal::pipeline::parse_recipe(j);
    CHECK_FALSE(without.resources.contains("faces"));
    CHECK_FALSE(
        corpus_through("faces", "faces/fr_obama.jpg", without)->job->tags.contains("faces"));
}
