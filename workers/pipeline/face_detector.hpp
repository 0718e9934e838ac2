// Frontal faces with OpenCV's cascades from Debian's opencv-data. A first cascade finds
// candidates, a second one must confirm each: the two err on different textures (foliage,
// drawings, snow), so the pair keeps the faces and drops most false ones. Loaded with the
// recipe (a missing file fails at start); detection is safe from several threads, each
// borrowing its own pair of classifiers, so concurrent jobs never wait for one another.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "workers/pipeline/recipe.hpp"

namespace cv {
class CascadeClassifier;
}

namespace fotogal::pipeline {

class FaceDetectorError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

struct FaceDetectorOptions {
    std::string cascade;         // a file name in Debian's cascade folders, or a path
    std::string verify_cascade;  // the confirming cascade; empty: none
    double scale_factor = 1.2;
    int min_neighbors = 5;
    int verify_min_neighbors = 3;
    double min_size = 0.07;  // smallest face side, as a fraction of the picture's shorter side

    // From the recipe's taggers.faces settings (already checked against the defaults).
    static FaceDetectorOptions from_settings(const nlohmann::json& settings);
};

class FaceDetector : public TaggerResource {
  public:
    // Throws FaceDetectorError naming the missing or unreadable cascade file.
    explicit FaceDetector(FaceDetectorOptions options);
    ~FaceDetector();
    FaceDetector(const FaceDetector&) = delete;
    FaceDetector& operator=(const FaceDetector&) = delete;

    // Face boxes in the pixels of `bgr` (8-bit, 1, 3 or 4 channels), largest first.
    std::vector<cv::Rect> detect(const cv::Mat& bgr) const;

  private:
    struct Cascades;
    std::unique_ptr<Cascades> borrow() const;
    void give_back(std::unique_ptr<Cascades> cascades) const;

    FaceDetectorOptions options_;
    // OpenCV's detectMultiScale is not const and not thread-safe: each detection uses a pair
    // nobody else holds; pairs are loaded on demand and kept for reuse.
    mutable std::mutex mutex_;
    mutable std::vector<std::unique_ptr<Cascades>> idle_;
};

// Where a cascade named in a recipe is looked for: the path itself, then Debian's folders.
std::string resolve_cascade_path(const std::string& name);

}  // namespace fotogal::pipeline
