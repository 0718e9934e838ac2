// Moderation: open_nsfw's probability that the picture is not safe for work (its output 1;
// output 0 is the complement, "safe"). Over `sensitive_above` the image gets the label
// "sensitive"; over `hold_above` it is also held for review (manifest "held": true; see
// docs/processing.md for what a hold does and why it is a mark, not another prefix).
#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <thread>

#include "common/cgroup_limits.hpp"

#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/dnn/net_pool.hpp"
#include "workers/pipeline/dnn_inputs.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

constexpr int kNsfwOutput = 1;  // [sfw, nsfw], a softmax: the two sum to 1
constexpr int kNsfwInput = 224;

struct NsfwClassifier : TaggerResource {
    // At most one Net per CPU, as for objects (23 MB of weights each).
    NsfwClassifier(dnn::NetPool::Loader load, int cpus)
        : nets(std::move(load), cv::Size(kNsfwInput, kNsfwInput),
               static_cast<std::size_t>(std::max(cpus, 1))) {}
    dnn::NetPool nets;
};

std::shared_ptr<const TaggerResource> load(const nlohmann::json& settings) {
    for (const char* key : {"sensitive_above", "hold_above"}) {
        double v = settings.at(key).get<double>();
        if (!(v >= 0 && v <= 1))
            throw std::invalid_argument(std::string(key) + " must be from 0 to 1 (1: never)");
    }
    auto onnx = dnn::read_model(dnn::kOpenNsfw);
    return std::make_shared<const NsfwClassifier>(
        [onnx] { return cv::dnn::readNetFromONNX(onnx); },
        usable_cpus(read_cgroup_limits(), std::thread::hardware_concurrency()));
}

void run(Job& job, const nlohmann::json& settings) {
    const auto& classifier = job.recipe.resource<NsfwClassifier>("moderation");
    cv::Mat blob = open_nsfw_blob(job.analysis);
    cv::Mat out;
    {
        dnn::NetPool::Lease net = classifier.nets.lease();
        net->setInput(blob);
        out = net->forward().reshape(1, 1);
    }
    double nsfw = out.at<float>(0, kNsfwOutput);
    bool sensitive = nsfw > settings.at("sensitive_above").get<double>();
    bool held = nsfw > settings.at("hold_above").get<double>();
    // 4 decimals: ordinary photos score below 0.07, the thresholds are far above.
    job.tags["moderation"] = {
        {"nsfw", std::round(nsfw * 1e4) / 1e4}, {"sensitive", sensitive}, {"held", held}};
    if (sensitive) job.labels.push_back("sensitive");
    job.held = job.held || held;
}

}  // namespace

const Tagger moderation{"moderation", R"({"sensitive_above": 0.8, "hold_above": 0.95})", run, load};

}  // namespace fotogal::pipeline::taggers
