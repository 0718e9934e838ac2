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
#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/exif_reader.hpp"
#include "workers/pipeline/processing_error.hpp"
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

TEST_CASE("fuzz regression: a JPEG whose decoded frame is larger than the probed one is refused") {
    // The header probe finds a small frame; libjpeg decodes a 34819 x 62728 one, and sized its
    // buffers from it (4.9 GB) before the decoder checked the pixel limit itself.
    auto bytes = regression_input("fuzz_decode_image", "jpeg-frame-larger-than-probed.jpg");
    auto header = fotogal::formats::probe_header(bytes);
    REQUIRE(header);
    constexpr std::uint64_t kMaxPixels = 4'000'000;
    try {
        fotogal::pipeline::decode_image(header->format, bytes, {0, 0, kMaxPixels});
        FAIL("a frame over the pixel limit was decoded");
    } catch (const fotogal::pipeline::ProcessingError& e) {
        CHECK(e.code() == "too_many_pixels");
    }
}
