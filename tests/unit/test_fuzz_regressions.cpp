// Inputs that once made a fuzz target (tests/fuzz/) fail, kept as ordinary unit tests so that
// the plain and sanitizer builds replay them too, not only scripts/fuzz.sh.
#include <doctest/doctest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/exif_reader.hpp"
#include "workers/pipeline/recipe.hpp"

namespace {

std::vector<std::uint8_t> regression_input(const std::string& target, const std::string& name) {
    auto path = std::filesystem::path(FOTOGAL_FUZZ_REGRESSIONS) / target / name;
    std::ifstream in(path, std::ios::binary);
    REQUIRE_MESSAGE(in, "missing regression input " << path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

TEST_CASE("fuzz regression: a rendition without a width is refused, not scaled to nothing") {
    auto bytes = regression_input("fuzz_recipe", "rendition-without-width.json");
    auto json = nlohmann::json::parse(bytes.begin(), bytes.end());
    try {
        fotogal::pipeline::parse_recipe(json);
        FAIL("a rendition without a width was accepted");
    } catch (const fotogal::pipeline::RecipeError& e) {
        CHECK(std::string(e.what()).find("renditions[0].width is required") != std::string::npos);
    }
}

TEST_CASE("fuzz regression: EXIF with non-UTF-8 strings in a WebP gives writable facts") {
    auto bytes = regression_input("fuzz_exif", "exif-string-not-utf8.bin");
    auto header = fotogal::formats::probe_header(bytes);
    REQUIRE(header);
    REQUIRE(header->exif);
    auto facts = fotogal::pipeline::read_exif(bytes, *header);
    CHECK(facts.orientation >= 1);
    CHECK(facts.orientation <= 8);
    // The manifest is serialised strictly: the reader must have cleaned the camera's bytes.
    CHECK_NOTHROW(facts.fields.dump());
}
