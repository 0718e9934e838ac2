// Taggers: each reads the job's small analysis picture and writes one entry of job.tags,
// with its thresholds from the recipe's taggers section. Adding a tagger = one file here
// defining its Tagger + one line in registry.cpp (and its declaration below).
#pragma once

#include <nlohmann/json.hpp>
#include <span>
#include <string_view>

#include "workers/pipeline/job.hpp"

namespace fotogal::pipeline::taggers {

struct Tagger {
    std::string_view name;
    // The thresholds and their defaults, as JSON text: a recipe may set these keys only,
    // each with a value of the default's type; missing ones take the default.
    const char* defaults;
    // Null for a tagger that runs as a pipeline step of its own (faces, before the thumbnail).
    void (*run)(Job& job, const nlohmann::json& settings);
};

// Every tagger, in the order the tags step runs them.
std::span<const Tagger* const> all();

// The recipe's taggers section checked against the taggers' defaults and completed with
// them. Throws std::invalid_argument naming the tagger or threshold that is wrong.
nlohmann::json complete_settings(const nlohmann::json& taggers);

extern const Tagger faces;
extern const Tagger orientation_class;
extern const Tagger dominant_colours;
extern const Tagger sharpness;
extern const Tagger exposure;
extern const Tagger colourfulness;
extern const Tagger qr_code;
extern const Tagger perceptual_hash;
extern const Tagger blurhash;

}  // namespace fotogal::pipeline::taggers
