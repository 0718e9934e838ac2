#include <doctest/doctest.h>

#include "pipeline_support.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

using fotogal::test::corpus_through;

namespace {

std::string orientation_class(const std::string& file) {
    return corpus_through("tags", file)->job->tags.value("orientation_class", "");
}

}  // namespace

TEST_CASE("tags: orientation class of the upright picture") {
    CHECK(orientation_class("orientation/Landscape_8.jpg") == "landscape");
    CHECK(orientation_class("photos/mei_Canon_EOS_5D.jpg") == "portrait");
    CHECK(orientation_class("photos/mei_Kodak_PIXPRO_SP360.jpg") == "square");
    CHECK(orientation_class("photos/exif_HMD_Nokia_8.3_5G.jpg") == "panorama");  // 2.33:1
}

TEST_CASE("tags: thresholds come from the recipe, and absent taggers do not run") {
    auto recipe = fotogal::pipeline::default_recipe();
    recipe.taggers["orientation_class"]["panorama_ratio"] = 3.0;
    CHECK(corpus_through("tags", "photos/exif_HMD_Nokia_8.3_5G.jpg", recipe)
              ->job->tags.at("orientation_class") == "landscape");
    recipe.taggers = nlohmann::json::object();
    CHECK(corpus_through("tags", "photos/exif_HMD_Nokia_8.3_5G.jpg", recipe)->job->tags.empty());
}

TEST_CASE("tags: every default tagger runs on a real photo and is timed apart") {
    auto staged = corpus_through("tags", "photos/mei_Nikon_D90.jpg");
    const auto& job = *staged->job;
    for (const auto* tagger : fotogal::pipeline::taggers::all()) {
        CAPTURE(tagger->name);
        CHECK(job.tags.contains(std::string(tagger->name)));
        if (tagger->run) CHECK(job.timings_ms.contains("tag." + std::string(tagger->name)));
    }
    CHECK(job.analysis.cols == 512);
}

TEST_CASE("tags: the recipe refuses unknown taggers, unknown thresholds and wrong types") {
    auto j = fotogal::pipeline::default_recipe().canonical;
    auto error_of = [](nlohmann::json r) -> std::string {
        try {
            fotogal::pipeline::parse_recipe(r);
        } catch (const fotogal::pipeline::RecipeError& e) {
            return e.what();
        }
        return "";
    };
    auto typo = j;
    typo["taggers"]["sharpnes"] = nlohmann::json::object();
    CHECK(error_of(typo).find("taggers.sharpnes is not a tagger") != std::string::npos);
    auto unknown = j;
    unknown["taggers"]["sharpness"]["blury_below"] = 5;
    CHECK(error_of(unknown).find("blury_below") != std::string::npos);
    auto wrong = j;
    wrong["taggers"]["exposure"]["dark_below"] = "dark";
    CHECK(error_of(wrong).find("dark_below must be a number") != std::string::npos);
    // Defaults are filled in, so leaving a threshold out fingerprints like writing it.
    auto sparse = j;
    sparse["taggers"]["sharpness"] = nlohmann::json::object();
    CHECK(fotogal::pipeline::parse_recipe(sparse).fingerprint ==
          fotogal::pipeline::default_recipe().fingerprint);
}
