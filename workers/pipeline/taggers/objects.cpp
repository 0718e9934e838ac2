// Objects: the 80 COCO classes found by YOLOv3-tiny (Darknet weights, read by cv::dnn) in the
// analysis picture, each with its score and box in the upright picture's pixels, best first;
// every class found also becomes one of the image's flat labels.
#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/cgroup_limits.hpp"

#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/dnn/net_pool.hpp"
#include "workers/pipeline/dnn_inputs.hpp"
#include "workers/pipeline/taggers/tagger.hpp"
#include "workers/pipeline/yolo_decode.hpp"

namespace fotogal::pipeline::taggers {

namespace {

// A bound on the manifest and the result event (at most 64 KiB) for any recipe.
constexpr int kMaxObjectsCap = 100;

struct ObjectDetector : TaggerResource {
    // At most one Net per CPU: forward() is CPU-bound, so more would only hold more copies
    // of the weights (35 MB each) while jobs past the CPUs wait for a CPU anyway.
    ObjectDetector(dnn::NetPool::Loader load, cv::Size input, std::vector<std::string> names,
                   int cpus)
        : nets(std::move(load), input, static_cast<std::size_t>(std::max(cpus, 1))),
          names(std::move(names)) {}
    dnn::NetPool nets;
    std::vector<std::string> names;  // coco.names: class id -> label
};

std::vector<std::string> read_names(const std::vector<unsigned char>& bytes) {
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::vector<std::string> names;
    for (std::string line; std::getline(in, line);) {
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) names.push_back(line);
    }
    return names;
}

std::shared_ptr<const TaggerResource> load(const nlohmann::json& settings) {
    int side = settings.at("input_size").get<int>();
    // Darknet's strides: any multiple of 32. 224 (letterboxed) finds a person on every photo
    // of corpus faces/ at 0.3 of the cost of 416 (docs/processing.md).
    if (side < 128 || side > 608 || side % 32 != 0)
        throw std::invalid_argument("input_size must be a multiple of 32 from 128 to 608");
    int max_objects = settings.at("max_objects").get<int>();
    if (max_objects < 0 || max_objects > kMaxObjectsCap)
        throw std::invalid_argument("max_objects must be from 0 to " +
                                    std::to_string(kMaxObjectsCap));
    auto cfg = dnn::read_model(dnn::kYoloV3TinyCfg);
    auto weights = dnn::read_model(dnn::kYoloV3TinyWeights);
    auto names = read_names(dnn::read_model(dnn::kCocoNames));
    return std::make_shared<const ObjectDetector>(
        [cfg, weights] { return cv::dnn::readNetFromDarknet(cfg, weights); }, cv::Size(side, side),
        std::move(names), usable_cpus(read_cgroup_limits(), std::thread::hardware_concurrency()));
}

// Divided, not multiplied back, so the JSON shows 0.832 rather than 0.8320000000000001.
double rounded(double v, double per_unit) {
    return std::round(v * per_unit) / per_unit;
}

void run(Job& job, const nlohmann::json& settings) {
    const auto& detector = job.recipe.resource<ObjectDetector>("objects");
    Letterbox input = yolo_letterbox(job.analysis, detector.nets.input_size());
    std::vector<cv::Mat> outputs;
    {
        dnn::NetPool::Lease net = detector.nets.lease();
        net->setInput(input.blob);
        net->forward(outputs, net->getUnconnectedOutLayersNames());
    }
    YoloThresholds thresholds{settings.at("min_score").get<float>(),
                              settings.at("nms_iou").get<float>(),
                              settings.at("max_objects").get<int>()};
    // Boxes in the upright picture's pixels, like the faces tagger's.
    double sx = static_cast<double>(job.oriented_width) / job.analysis.cols;
    double sy = static_cast<double>(job.oriented_height) / job.analysis.rows;
    nlohmann::json objects = nlohmann::json::array();
    for (const Detection& d : decode_yolo(outputs, input, thresholds)) {
        std::string label = static_cast<std::size_t>(d.class_id) < detector.names.size()
                                ? detector.names[static_cast<std::size_t>(d.class_id)]
                                : "class_" + std::to_string(d.class_id);
        objects.push_back({{"label", label},
                           {"score", rounded(d.score, 1000)},
                           {"box",
                            {{"x", std::lround(d.box.x * sx)},
                             {"y", std::lround(d.box.y * sy)},
                             {"width", std::lround(d.box.width * sx)},
                             {"height", std::lround(d.box.height * sy)}}}});
        job.labels.push_back(std::move(label));
    }
    job.tags["objects"] = std::move(objects);
}

}  // namespace

const Tagger objects{"objects",
                     R"({"min_score": 0.4, "nms_iou": 0.45, "max_objects": 20, "input_size": 224})",
                     run, load};

}  // namespace fotogal::pipeline::taggers
