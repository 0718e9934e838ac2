// What the faces step asks of a face detector, whichever it is: YuNet (the default, a neural
// network: yunet_detector.hpp) or the Haar cascade pair a recipe may ask for
// (face_detector.hpp). Loaded once per worker with the recipe (the faces tagger's resource)
// and used by concurrent jobs, so find() is const and thread-safe.
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <vector>

#include "workers/pipeline/recipe.hpp"

namespace fotogal::pipeline {

struct DetectedFace {
    cv::Rect2f box;              // in the pixels of the searched picture
    std::optional<float> score;  // the detector's confidence, 0..1 (YuNet; Haar has none)
    // Five points (YuNet): the right eye, left eye, nose tip, right and left mouth corners,
    // as seen from the person's side; empty when the detector gives none (Haar).
    std::vector<cv::Point2f> landmarks;
};

class FaceFinder : public TaggerResource {
  public:
    // The faces in `bgr` (8-bit BGR), largest first.
    virtual std::vector<DetectedFace> find(const cv::Mat& bgr) const = 0;
    virtual const char* name() const = 0;  // "yunet", "haar": the manifest's "detector"
};

}  // namespace fotogal::pipeline
