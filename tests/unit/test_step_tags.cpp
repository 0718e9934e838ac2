#include <doctest/doctest.h>

#include "pipeline_support.hpp"

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
