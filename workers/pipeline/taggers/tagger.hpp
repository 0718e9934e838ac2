// Taggers: each reads the job's small analysis picture and writes one entry of job.tags,
// with its thresholds from the recipe's taggers section. Adding a tagger = one file here
// defining its Tagger + one line in registry.cpp (and its declaration below).
//
// A tagger with a model (a DNN): its `load` hook runs once per worker, when the recipe is
// loaded, and returns what run() needs on every image (verified model bytes and a NetPool:
// dnn/model_files.hpp, dnn/net_pool.hpp); a throw there fails the recipe, so the worker
// does not start. The recipe keeps the result; run() gets it back by the tagger's name:
//   struct Nsfw : TaggerResource { dnn::NetPool nets; ... };
//   std::shared_ptr<const TaggerResource> load_nsfw(const nlohmann::json& settings) {
//       auto onnx = dnn::read_model(dnn::kOpenNsfw);
//       return std::make_shared<const Nsfw>(...);
//   }
//   void run_nsfw(Job& job, const nlohmann::json& settings) {
//       const Nsfw& nsfw = job.recipe.resource<Nsfw>("nsfw");
//       auto net = nsfw.nets.lease();  // input from job.analysis (512 px), never a decode
//       ...
//   }
//   const Tagger nsfw{"nsfw", R"({"threshold": 0.8})", run_nsfw, load_nsfw};
// Opt-in: leave it out of the default recipe (recipe.cpp); a recipe turns it on with
// "taggers": {"nsfw": {}}; its settings are in the recipe's fingerprint either way.
#pragma once

#include <memory>
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
    // Null for a tagger with nothing to load; else called once when the recipe is parsed,
    // with the tagger's completed settings (see above). Its result must be safe to use from
    // concurrent jobs (const, or a pool).
    std::shared_ptr<const TaggerResource> (*load)(const nlohmann::json& settings) = nullptr;
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
extern const Tagger objects;     // DNN: YOLOv3-tiny, COCO labels
extern const Tagger moderation;  // DNN: open_nsfw

}  // namespace fotogal::pipeline::taggers
