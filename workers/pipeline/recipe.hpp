// The recipe: which renditions to make, which taggers to run with which thresholds, and the
// limits an image must respect. Loaded from FOTOGAL_RECIPE (JSON) or built in. Its
// fingerprint goes into every manifest so replays redo only what is stale (DESIGN.md §4).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace fotogal::pipeline {

// What a tagger loads once per worker with the recipe (model files, networks, cascades) and
// reads on every image: see taggers/tagger.hpp. Shared by copies of the recipe and by
// concurrent jobs, so it is used through const methods that are thread-safe.
struct TaggerResource {
    virtual ~TaggerResource() = default;
};

enum class Fit { fit, cover };  // fit inside the box / fill the box, cropping the rest
enum class OutputFormat { jpeg, webp, png, avif, automatic };  // auto keeps alpha (WebP)

struct RenditionSpec {
    std::string name;
    int width = 0;
    int height = 0;
    Fit fit = Fit::fit;
    OutputFormat format = OutputFormat::jpeg;
    int quality = 85;
};

struct Limits {
    std::uint64_t max_bytes = 50ull * 1024 * 1024;
    std::uint64_t max_pixels = 100'000'000;
    std::int64_t max_ms = 30'000;
};

struct Recipe {
    std::vector<RenditionSpec> renditions;
    nlohmann::json taggers = nlohmann::json::object();  // tagger name -> its thresholds
    // Tagger name -> what its load hook made, for the taggers the recipe turns on.
    std::map<std::string, std::shared_ptr<const TaggerResource>, std::less<>> resources;
    Limits limits;
    std::string fingerprint;  // sha256 of canonical JSON + worker version
    nlohmann::json canonical;

    // The resource the tagger's load hook made, as its own type; throws std::logic_error
    // when the recipe has none of that type for the tagger (a tagger that was not loaded).
    template <class T>
    const T& resource(std::string_view tagger) const {
        auto it = resources.find(tagger);
        const T* typed = it == resources.end() ? nullptr : dynamic_cast<const T*>(it->second.get());
        if (!typed)
            throw std::logic_error("tagger " + std::string(tagger) + " has no loaded resource");
        return *typed;
    }
};

class RecipeError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

Recipe default_recipe();
// Throws RecipeError naming the field that is wrong.
Recipe parse_recipe(const nlohmann::json& json);
// Throws RecipeError when the rendition at `where` asks for a format this build cannot
// encode (AVIF without an AV1 encoder in libheif): refused with the recipe, not per image.
void require_encoder(OutputFormat format, const std::string& where, bool avif_available);
// An empty path means the built-in default.
Recipe load_recipe(const std::string& path);

}  // namespace fotogal::pipeline
