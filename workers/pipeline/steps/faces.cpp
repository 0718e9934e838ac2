#include <cmath>

#include "workers/pipeline/face_detector.hpp"
#include "workers/pipeline/steps/steps.hpp"
#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline {

namespace taggers {

namespace {

// The cascades, once per worker with the recipe (a missing file fails at start).
std::shared_ptr<const TaggerResource> load_faces(const nlohmann::json& settings) {
    return std::make_shared<const FaceDetector>(FaceDetectorOptions::from_settings(settings));
}

}  // namespace

// Thresholds of the faces tagger; it runs as the "faces" step, before the thumbnail.
const Tagger faces{"faces", R"({"cascade": "haarcascade_frontalface_alt2.xml",
  "verify_cascade": "haarcascade_frontalface_default.xml", "scale_factor": 1.2,
  "min_neighbors": 5, "verify_min_neighbors": 3, "min_size": 0.07})",
                   nullptr, load_faces};

}  // namespace taggers

namespace steps {

// Faces in the analysis picture: their boxes (as fractions, for the thumbnail's crop) in
// the job, their count and boxes in the upright picture's pixels in the tags.
void faces(Job& job) {
    if (!job.recipe.taggers.contains("faces") || job.analysis.empty()) return;
    const auto& detector = job.recipe.resource<FaceDetector>("faces");
    double w = job.analysis.cols, h = job.analysis.rows;
    nlohmann::json boxes = nlohmann::json::array();
    for (const cv::Rect& r : detector.detect(job.analysis)) {
        cv::Rect2d f(r.x / w, r.y / h, r.width / w, r.height / h);
        job.faces.push_back(f);
        auto px = [](double fraction, int size) { return std::lround(fraction * size); };
        boxes.push_back({{"x", px(f.x, job.oriented_width)},
                         {"y", px(f.y, job.oriented_height)},
                         {"width", px(f.width, job.oriented_width)},
                         {"height", px(f.height, job.oriented_height)}});
    }
    job.tags["faces"] = {{"count", job.faces.size()}, {"boxes", std::move(boxes)}};
}

}  // namespace steps

}  // namespace fotogal::pipeline
