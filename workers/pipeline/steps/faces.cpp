#include <cmath>

#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/face_detector.hpp"
#include "workers/pipeline/steps/steps.hpp"
#include "workers/pipeline/taggers/tagger.hpp"
#include "workers/pipeline/yunet_detector.hpp"

namespace fotogal::pipeline {

namespace taggers {

namespace {

// The detector, once per worker with the recipe: YuNet's model file verified (a missing or
// altered one fails start-up, naming it), or the cascades when the recipe asks for "haar".
std::shared_ptr<const TaggerResource> load_faces(const nlohmann::json& settings) {
    std::string detector = settings.value("detector", "yunet");
    if (detector == "haar")
        return std::make_shared<const FaceDetector>(FaceDetectorOptions::from_settings(settings));
    if (detector == "yunet")
        return std::make_shared<const YuNetDetector>(dnn::read_model(dnn::kYuNet),
                                                     YuNetOptions::from_settings(settings));
    throw std::invalid_argument("detector must be \"yunet\" or \"haar\", not \"" + detector + "\"");
}

}  // namespace

// Thresholds of the faces tagger; it runs as the "faces" step, before the thumbnail.
// score_threshold and nms_threshold are YuNet's (yunet_detector.hpp); the cascade settings
// are the Haar pair's.
const Tagger faces{"faces", R"({"detector": "yunet", "score_threshold": 0.8,
  "nms_threshold": 0.3, "cascade": "haarcascade_frontalface_alt2.xml",
  "verify_cascade": "haarcascade_frontalface_default.xml", "scale_factor": 1.2,
  "min_neighbors": 5, "verify_min_neighbors": 3, "min_size": 0.07})",
                   nullptr, load_faces};

}  // namespace taggers

namespace steps {

namespace {

long px(double fraction, int size) {
    return std::lround(fraction * size);
}

}  // namespace

// Faces in the analysis picture: their boxes (as fractions, for the thumbnail's crop) in
// the job; their count, boxes, scores and landmarks in the upright picture's pixels in the
// tags.
void faces(Job& job) {
    if (!job.recipe.taggers.contains("faces") || job.analysis.empty()) return;
    const auto& finder = job.recipe.resource<FaceFinder>("faces");
    double w = job.analysis.cols, h = job.analysis.rows;
    int ow = job.oriented_width, oh = job.oriented_height;
    nlohmann::json boxes = nlohmann::json::array();
    for (const DetectedFace& face : finder.find(job.analysis)) {
        const cv::Rect2f& r = face.box;
        cv::Rect2d f(r.x / w, r.y / h, r.width / w, r.height / h);
        job.faces.push_back(f);
        nlohmann::json box = {{"x", px(f.x, ow)},
                              {"y", px(f.y, oh)},
                              {"width", px(f.width, ow)},
                              {"height", px(f.height, oh)}};
        if (face.score) box["score"] = std::round(*face.score * 1000) / 1000;
        if (!face.landmarks.empty()) {
            nlohmann::json points = nlohmann::json::array();
            for (const cv::Point2f& p : face.landmarks)
                points.push_back({{"x", px(p.x / w, ow)}, {"y", px(p.y / h, oh)}});
            box["landmarks"] = std::move(points);
        }
        boxes.push_back(std::move(box));
    }
    job.tags["faces"] = {
        {"count", job.faces.size()}, {"detector", finder.name()}, {"boxes", std::move(boxes)}};
}

}  // namespace steps

}  // namespace fotogal::pipeline
