// workers/pipeline/recipe.hpp and geometry.hpp: recipe parsing, its fingerprint, and the
// rendition sizes the decode and resize steps agree on.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "common/digest.hpp"
#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/recipe.hpp"

namespace {

using nlohmann::json;
using namespace fotogal::pipeline;

json base_recipe() {
    return json::parse(R"({
      "renditions": [
        {"name": "large", "width": 2048, "height": 2048, "fit": "fit", "format": "jpeg", "quality": 85},
        {"name": "thumb", "width": 256, "height": 256, "fit": "cover", "format": "webp", "quality": 80}
      ],
      "taggers": {"orientation_class": {"panorama_ratio": 2.0}},
      "limits": {"max_bytes": 1000000, "max_pixels": 5000000, "max_ms": 9000}
    })");
}

// The message of the RecipeError that parsing `j` throws, or a marker if it does not throw.
std::string error_of(const json& j) {
    try {
        parse_recipe(j);
    } catch (const RecipeError& e) {
        return e.what();
    }
    return "(no RecipeError)";
}

RenditionSpec spec(int w, int h, Fit fit) {
    return RenditionSpec{std::string("r"), w, h, fit, OutputFormat::jpeg, 85};
}

Recipe one_box(int box) {
    Recipe r;
    r.renditions.push_back(spec(box, box, Fit::fit));
    return r;
}

}  // namespace

TEST_CASE("recipe: the default has at least three fit renditions and one cover rendition") {
    Recipe r = default_recipe();
    int fit = 0, cover = 0;
    for (const auto& s : r.renditions) {
        CHECK_FALSE(s.name.empty());
        CHECK(s.width > 0);
        CHECK(s.height > 0);
        CHECK(s.quality >= 1);
        CHECK(s.quality <= 100);
        (s.fit == Fit::fit ? fit : cover) += 1;
    }
    CHECK(fit >= 3);
    CHECK(cover == 1);
    CHECK(r.fingerprint.size() == 64);
    CHECK(load_recipe("").fingerprint == r.fingerprint);
    CHECK(r.limits.max_pixels == 100'000'000);
}

TEST_CASE("recipe: parse reads every field") {
    Recipe r = parse_recipe(base_recipe());
    REQUIRE(r.renditions.size() == 2);
    CHECK(r.renditions[0].name == "large");
    CHECK(r.renditions[0].width == 2048);
    CHECK(r.renditions[0].fit == Fit::fit);
    CHECK(r.renditions[0].format == OutputFormat::jpeg);
    CHECK(r.renditions[0].quality == 85);
    CHECK(r.renditions[1].fit == Fit::cover);
    CHECK(r.renditions[1].format == OutputFormat::webp);
    CHECK(r.limits.max_bytes == 1'000'000);
    CHECK(r.limits.max_pixels == 5'000'000);
    CHECK(r.limits.max_ms == 9000);
    CHECK(r.taggers.at("orientation_class").at("panorama_ratio") == 2.0);
}

TEST_CASE("recipe: the fingerprint ignores key order and whitespace") {
    std::string compact = base_recipe().dump();
    std::string reordered = R"({ "limits" : { "max_ms":9000, "max_pixels":5000000,
        "max_bytes":1000000 },
      "taggers": {"orientation_class": {"panorama_ratio": 2.0}},
      "renditions": [
        {"quality": 85, "format": "jpeg", "fit": "fit", "height": 2048, "width": 2048, "name": "large"},
        {"format": "webp", "name": "thumb", "quality": 80, "width": 256, "fit": "cover", "height": 256}
      ] }   )";
    Recipe a = parse_recipe(json::parse(compact));
    Recipe b = parse_recipe(json::parse(reordered));
    CHECK(a.fingerprint == b.fingerprint);
    CHECK(parse_recipe(json::parse(compact)).fingerprint == a.fingerprint);
    CHECK(a.fingerprint != default_recipe().fingerprint);
}

TEST_CASE("recipe: the fingerprint changes when any rendition changes") {
    const std::string original = parse_recipe(base_recipe()).fingerprint;
    const json changes[] = {"larger", 2047, 2047, "cover", "png", 86};
    const char* fields[] = {"name", "width", "height", "fit", "format", "quality"};
    for (int i = 0; i < 6; ++i) {
        CAPTURE(fields[i]);
        json j = base_recipe();
        j["renditions"][0][fields[i]] = changes[i];
        CHECK(parse_recipe(j).fingerprint != original);
    }
    json swapped = base_recipe();
    std::swap(swapped["renditions"][0], swapped["renditions"][1]);
    CHECK(parse_recipe(swapped).fingerprint != original);

    json added = base_recipe();
    added["renditions"].push_back(
        {{"name", "tiny"}, {"width", 64}, {"height", 64}, {"fit", "fit"}, {"format", "jpeg"}});
    CHECK(parse_recipe(added).fingerprint != original);

    json threshold = base_recipe();
    threshold["taggers"]["orientation_class"]["panorama_ratio"] = 2.5;
    CHECK(parse_recipe(threshold).fingerprint != original);
}

TEST_CASE("recipe: parse errors throw RecipeError naming the field") {
    auto with_rendition = [](const char* field, const json& value) {
        json j = base_recipe();
        j["renditions"][1][field] = value;
        return j;
    };
    struct Case {
        json recipe;
        const char* field;
    };
    json empty = base_recipe();
    empty["renditions"] = json::array();
    json missing = base_recipe();
    missing.erase("renditions");
    json dup = base_recipe();
    dup["renditions"][1]["name"] = "large";
    json not_object_rendition = base_recipe();
    not_object_rendition["renditions"][1] = "thumb";
    const Case cases[] = {
        {empty, "renditions"},
        {missing, "renditions"},
        {dup, "large"},
        {with_rendition("width", 0), "width"},
        {with_rendition("height", -5), "height"},
        {with_rendition("width", 20000), "width"},
        {with_rendition("width", "wide"), "width"},
        {with_rendition("fit", "stretch"), "fit"},
        {with_rendition("format", "gif"), "format"},
        {with_rendition("quality", 0), "quality"},
        {with_rendition("quality", 101), "quality"},
        {with_rendition("name", "a/b"), "name"},
        {with_rendition("name", ""), "name"},
        {with_rendition("name", ".."), "name"},
        {not_object_rendition, "renditions[1]"},
        {json::array(), "object"},
        {json("recipe"), "object"},
        {json(), "object"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.recipe.dump());
        std::string message = error_of(c.recipe);
        CAPTURE(message);
        CHECK(message != "(no RecipeError)");
        CHECK(message.find(c.field) != std::string::npos);
    }
    json taggers = base_recipe();
    taggers["taggers"] = json::array();
    CHECK(error_of(taggers).find("taggers") != std::string::npos);
    json limits = base_recipe();
    limits["limits"]["max_pixels"] = 0;
    CHECK(error_of(limits).find("limits") != std::string::npos);
}

TEST_CASE("recipe: load_recipe reads files and rejects missing or broken ones") {
    CHECK_THROWS_AS(load_recipe("/nonexistent/fotogal/recipe.json"), RecipeError);
    try {
        load_recipe("/nonexistent/fotogal/recipe.json");
    } catch (const RecipeError& e) {
        CHECK(std::string(e.what()).find("/nonexistent/fotogal/recipe.json") != std::string::npos);
    }

    std::string path = (std::filesystem::temp_directory_path() / "fotogal-recipe-XXXXXX").string();
    int fd = ::mkstemp(path.data());
    REQUIRE(fd >= 0);
    ::close(fd);
    auto write = [&](const std::string& text) { std::ofstream(path, std::ios::trunc) << text; };

    write(base_recipe().dump(2));
    CHECK(load_recipe(path).fingerprint == parse_recipe(base_recipe()).fingerprint);
    write("{\"renditions\": [");
    CHECK_THROWS_AS(load_recipe(path), RecipeError);
    write(R"({"renditions": [{"name": "x", "width": 0, "height": 5}]})");
    CHECK_THROWS_AS(load_recipe(path), RecipeError);
    std::filesystem::remove(path);
}

TEST_CASE("geometry: fit keeps the aspect ratio inside the box and never upscales") {
    RenditionSpec box = spec(2048, 2048, Fit::fit);
    CHECK(rendition_size(box, 4000, 3000) == cv::Size(2048, 1536));
    CHECK(rendition_size(box, 3000, 4000) == cv::Size(1536, 2048));
    CHECK(rendition_size(box, 800, 600) == cv::Size(800, 600));
    CHECK(rendition_size(box, 2048, 2048) == cv::Size(2048, 2048));
    CHECK(rendition_scale(box, 800, 600) == 1.0);
    CHECK(rendition_scale(box, 4096, 100) == doctest::Approx(0.5));
    CHECK(rendition_size(box, 100000, 10) == cv::Size(2048, 1));  // never 0 pixels
}

TEST_CASE("geometry: cover fills the box and crops the excess") {
    RenditionSpec thumb = spec(256, 256, Fit::cover);
    CHECK(scaled_size(thumb, 4000, 3000) == cv::Size(341, 256));
    CHECK(rendition_size(thumb, 4000, 3000) == cv::Size(256, 256));
    CHECK(scaled_size(thumb, 3000, 4000) == cv::Size(256, 341));
    CHECK(rendition_size(thumb, 3000, 4000) == cv::Size(256, 256));
    CHECK(rendition_size(thumb, 10, 5) == cv::Size(10, 5));
    CHECK(rendition_size(thumb, 100, 1000) == cv::Size(100, 256));
}

TEST_CASE("geometry: shrink-on-load picks the largest denominator that still covers the recipe") {
    Recipe r = default_recipe();
    CHECK(shrink_on_load_denominator(r, 20000, 14000) == 8);
    CHECK(shrink_on_load_denominator(r, 1800, 1200) == 1);
    CHECK(shrink_on_load_denominator(r, 4608, 3456) == 2);
    CHECK(shrink_on_load_denominator(r, 9000, 6000) == 4);
    CHECK(shrink_on_load_denominator(r, 16000, 12000) == 4);  // 16000 / 8 = 2000 < 2048
    CHECK(shrink_on_load_denominator(r, 16384, 12288) == 8);  // exactly 2048 x 1536
    CHECK(shrink_on_load_denominator(r, 4096, 3072) == 2);    // exactly 2048 x 1536 at 1/2
    CHECK(shrink_on_load_denominator(r, 4000, 3000) == 1);    // 2000 < 2048 at 1/2

    // Property: the chosen denominator covers every rendition and the next one up does not.
    for (int w = 500; w <= 20000; w += 397) {
        for (int h : {w / 3 + 1, w * 2 / 3 + 1, w, w * 3 / 2 + 1}) {
            CAPTURE(w);
            CAPTURE(h);
            int d = shrink_on_load_denominator(one_box(2048), w, h);
            REQUIRE((d == 1 || d == 2 || d == 4 || d == 8));
            cv::Size need = scaled_size(spec(2048, 2048, Fit::fit), w, h);
            CHECK((w + d - 1) / d >= need.width);
            CHECK((h + d - 1) / d >= need.height);
            if (d < 8) {
                int up = d * 2;
                CHECK(((w + up - 1) / up < need.width || (h + up - 1) / up < need.height));
            }
        }
    }
}

TEST_CASE("recipe: numbers must be whole and in range, nothing is silently truncated") {
    for (json bad : {json(100.7), json(true), json(4294967297LL), json(-5), json("64")}) {
        CAPTURE(bad.dump());
        json j = base_recipe();
        j["renditions"][0]["width"] = bad;
        CHECK_THROWS_AS(parse_recipe(j), RecipeError);
    }
    json j = base_recipe();
    j["limits"] = {{"max_pixels", -1}};
    CHECK_THROWS_AS(parse_recipe(j), RecipeError);
    j["limits"] = 5;
    CHECK_THROWS_AS(parse_recipe(j), RecipeError);
}

TEST_CASE("recipe: the fingerprint is of the recipe's meaning, defaults filled in") {
    json spelled_out = base_recipe();
    json implicit = base_recipe();
    spelled_out["renditions"][0]["fit"] = "fit";
    implicit["renditions"][0].erase("fit");
    CHECK(parse_recipe(spelled_out).fingerprint == parse_recipe(implicit).fingerprint);
}

TEST_CASE("recipe: the fingerprint binds the canonical JSON to the worker version") {
    auto r = fotogal::pipeline::default_recipe();
    // A new worker version (new decoders, new filters) makes every manifest stale.
    CHECK(r.fingerprint == fotogal::sha256_hex(r.canonical.dump() + "\nworker " + FOTOGAL_VERSION));
    CHECK(r.fingerprint != fotogal::sha256_hex(r.canonical.dump() + "\nworker 0.0.0-other"));
    // Taggers and limits are part of it, not only the renditions.
    auto j = r.canonical;
    j["limits"]["max_ms"] = 1000;
    CHECK(fotogal::pipeline::parse_recipe(j).fingerprint != r.fingerprint);
    j = r.canonical;
    j["taggers"]["orientation_class"]["panorama_ratio"] = 3.0;
    CHECK(fotogal::pipeline::parse_recipe(j).fingerprint != r.fingerprint);
}

TEST_CASE("recipe: avif is a format, refused up front when libheif has no AV1 encoder") {
    json j = base_recipe();
    j["renditions"][1]["format"] = "avif";
    if (avif_encoder_available()) {
        Recipe r = parse_recipe(j);
        CHECK(r.renditions[1].format == OutputFormat::avif);
        CHECK(r.canonical["renditions"][1]["format"] == "avif");
    }
    try {
        require_encoder(OutputFormat::avif, "renditions[1]", false);
        FAIL("an AVIF rendition without an AV1 encoder must be a recipe error");
    } catch (const RecipeError& e) {
        CHECK(std::string(e.what()).find("renditions[1].format avif") != std::string::npos);
    }
    CHECK_NOTHROW(require_encoder(OutputFormat::jpeg, "renditions[0]", false));
    CHECK_NOTHROW(require_encoder(OutputFormat::avif, "renditions[1]", true));
}
