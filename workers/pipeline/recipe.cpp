#include "workers/pipeline/recipe.hpp"

#include <fstream>
#include <set>

#include "common/digest.hpp"
#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline {

using nlohmann::json;

namespace {

const char* kDefaultRecipe = R"({
  "renditions": [
    {"name": "large",  "width": 2048, "height": 2048, "fit": "fit",   "format": "jpeg", "quality": 85},
    {"name": "medium", "width": 1024, "height": 1024, "fit": "fit",   "format": "jpeg", "quality": 82},
    {"name": "small",  "width": 512,  "height": 512,  "fit": "fit",   "format": "jpeg", "quality": 80},
    {"name": "thumb",  "width": 256,  "height": 256,  "fit": "cover", "format": "jpeg", "quality": 80}
  ],
  "taggers": {
    "faces": {}, "orientation_class": {}, "dominant_colours": {}, "sharpness": {},
    "exposure": {}, "colourfulness": {}, "qr_code": {}, "perceptual_hash": {}, "blurhash": {},
    "objects": {}, "moderation": {}
  },
  "limits": {"max_bytes": 52428800, "max_pixels": 100000000, "max_ms": 30000}
})";

std::string text_field(const json& j, const char* name, const std::string& where,
                       std::string fallback) {
    if (!j.contains(name)) return fallback;
    if (!j.at(name).is_string())
        throw RecipeError("recipe " + where + "." + name + " must be text");
    return j.at(name).get<std::string>();
}

// Whole numbers only, within [lo, hi]: no silent truncation of 100.7, true or 2^32 + 1.
std::int64_t int_field(const json& j, const char* name, const std::string& where,
                       std::int64_t fallback, std::int64_t lo, std::int64_t hi) {
    if (!j.contains(name)) return fallback;
    const json& v = j.at(name);
    bool whole = false;
    if (v.is_number_unsigned()) {
        auto u = v.get<std::uint64_t>();
        whole = u <= static_cast<std::uint64_t>(hi) && static_cast<std::int64_t>(u) >= lo;
    } else if (v.is_number_integer()) {
        auto i = v.get<std::int64_t>();
        whole = i >= lo && i <= hi;
    }
    if (!whole)
        throw RecipeError("recipe " + where + "." + name + " must be a whole number from " +
                          std::to_string(lo) + " to " + std::to_string(hi));
    return v.get<std::int64_t>();
}

const char* fit_name(Fit f) {
    return f == Fit::fit ? "fit" : "cover";
}

const char* format_name(OutputFormat f) {
    switch (f) {
        case OutputFormat::webp:
            return "webp";
        case OutputFormat::png:
            return "png";
        case OutputFormat::avif:
            return "avif";
        case OutputFormat::automatic:
            return "auto";
        default:
            return "jpeg";
    }
}

// The recipe as parsed, defaults filled in: equal recipes fingerprint equally however they
// were written ("fit" given or left out, keys in any order).
json canonical_json(const Recipe& r) {
    json renditions = json::array();
    for (const auto& s : r.renditions)
        renditions.push_back({{"name", s.name},
                              {"width", s.width},
                              {"height", s.height},
                              {"fit", fit_name(s.fit)},
                              {"format", format_name(s.format)},
                              {"quality", s.quality}});
    return {{"renditions", renditions},
            {"taggers", r.taggers},
            {"limits",
             {{"max_bytes", r.limits.max_bytes},
              {"max_pixels", r.limits.max_pixels},
              {"max_ms", r.limits.max_ms}}}};
}

}  // namespace

void require_encoder(OutputFormat format, const std::string& where, bool avif_available) {
    if (format == OutputFormat::avif && !avif_available)
        throw RecipeError("recipe " + where +
                          ".format avif needs libheif with an AV1 encoder (libaom), which this "
                          "build lacks");
}

namespace {

RenditionSpec parse_rendition(const json& j, std::size_t index) {
    std::string where = "renditions[" + std::to_string(index) + "]";
    if (!j.is_object()) throw RecipeError("recipe " + where + " must be an object");
    RenditionSpec r;
    r.name = text_field(j, "name", where, "");
    if (r.name.empty() || r.name.find_first_of("/.\\ ") != std::string::npos)
        throw RecipeError("recipe " + where + ".name must be a plain non-empty word");
    // A missing side would default to 0 and scale every picture to nothing (found by fuzzing).
    for (const char* side : {"width", "height"})
        if (!j.contains(side))
            throw RecipeError("recipe " + where + "." + side +
                              " is required: a whole number from 1 to 16384");
    r.width = static_cast<int>(int_field(j, "width", where, 0, 1, 16384));
    r.height = static_cast<int>(int_field(j, "height", where, 0, 1, 16384));
    std::string fit = text_field(j, "fit", where, "fit");
    if (fit == "fit")
        r.fit = Fit::fit;
    else if (fit == "cover")
        r.fit = Fit::cover;
    else
        throw RecipeError("recipe " + where + ".fit must be 'fit' or 'cover'");
    std::string format = text_field(j, "format", where, "jpeg");
    if (format == "jpeg")
        r.format = OutputFormat::jpeg;
    else if (format == "webp")
        r.format = OutputFormat::webp;
    else if (format == "png")
        r.format = OutputFormat::png;
    else if (format == "avif")
        r.format = OutputFormat::avif;
    else if (format == "auto")
        r.format = OutputFormat::automatic;
    else
        throw RecipeError("recipe " + where + ".format must be jpeg, webp, png, avif or auto");
    require_encoder(r.format, where, avif_encoder_available());
    r.quality = static_cast<int>(int_field(j, "quality", where, 85, 1, 100));
    return r;
}

}  // namespace

Recipe parse_recipe(const json& j) {
    if (!j.is_object()) throw RecipeError("recipe must be a JSON object");
    Recipe recipe;
    const json& renditions = j.contains("renditions") ? j.at("renditions") : json();
    if (!renditions.is_array() || renditions.empty())
        throw RecipeError("recipe.renditions must be a non-empty array");
    std::set<std::string> names;
    for (std::size_t i = 0; i < renditions.size(); ++i) {
        recipe.renditions.push_back(parse_rendition(renditions[i], i));
        if (!names.insert(recipe.renditions.back().name).second)
            throw RecipeError("recipe rendition name '" + recipe.renditions.back().name +
                              "' is used twice");
    }
    if (j.contains("taggers")) {
        if (!j.at("taggers").is_object()) throw RecipeError("recipe.taggers must be an object");
        try {
            recipe.taggers = taggers::complete_settings(j.at("taggers"));
        } catch (const std::invalid_argument& e) {
            throw RecipeError(std::string("recipe.") + e.what());
        }
    }
    if (j.contains("limits")) {
        const json& l = j.at("limits");
        if (!l.is_object()) throw RecipeError("recipe.limits must be an object");
        constexpr std::int64_t kMax = std::int64_t{1} << 50;
        Limits& limits = recipe.limits;
        limits.max_bytes = int_field(l, "max_bytes", "limits", limits.max_bytes, 1, kMax);
        limits.max_pixels = int_field(l, "max_pixels", "limits", limits.max_pixels, 1, kMax);
        limits.max_ms = int_field(l, "max_ms", "limits", limits.max_ms, 1, kMax);
    }
    // Each tagger's models, once per worker: a missing or corrupt file fails here, at start-up.
    for (const taggers::Tagger* tagger : taggers::all()) {
        std::string name(tagger->name);
        if (!tagger->load || !recipe.taggers.contains(name)) continue;
        try {
            recipe.resources[name] = tagger->load(recipe.taggers.at(name));
        } catch (const dnn::ModelError& e) {
            throw dnn::ModelError("recipe.taggers." + name + ": " + e.what());  // stays fatal
        } catch (const std::exception& e) {
            throw RecipeError("recipe.taggers." + name + ": " + e.what());
        }
    }
    // nlohmann's object keys are sorted, so dump() of the parsed form is canonical.
    recipe.canonical = canonical_json(recipe);
    recipe.fingerprint = sha256_hex(recipe.canonical.dump() + "\nworker " + FOTOGAL_VERSION);
    return recipe;
}

Recipe default_recipe() {
    return parse_recipe(json::parse(kDefaultRecipe));
}

Recipe load_recipe(const std::string& path) {
    if (path.empty()) return default_recipe();
    std::ifstream in(path);
    if (!in) throw RecipeError("cannot read recipe file " + path);
    json j = json::parse(in, nullptr, false);
    if (j.is_discarded()) throw RecipeError("recipe file " + path + " is not valid JSON");
    return parse_recipe(j);
}

}  // namespace fotogal::pipeline
