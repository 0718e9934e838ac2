#include "workers/pipeline/face_detector.hpp"

#include <algorithm>
#include <filesystem>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>

namespace fotogal::pipeline {

namespace {

// Debian's opencv-data puts the cascades here.
constexpr const char* kCascadeDirs[] = {"/usr/share/opencv4/haarcascades",
                                        "/usr/share/opencv4/lbpcascades"};

std::unique_ptr<cv::CascadeClassifier> load(const std::string& name) {
    std::string path = resolve_cascade_path(name);
    auto classifier = std::make_unique<cv::CascadeClassifier>();
    bool loaded = false;
    try {
        loaded = !path.empty() && classifier->load(path) && !classifier->empty();
    } catch (const cv::Exception&) {
        loaded = false;
    }
    if (!loaded)
        throw FaceDetectorError("face cascade '" + name +
                                "' not found or unreadable (looked for the path itself and in "
                                "/usr/share/opencv4/{haarcascades,lbpcascades}; Debian package "
                                "opencv-data installs them)");
    return classifier;
}

cv::Mat equalised_grey(const cv::Mat& image) {
    cv::Mat grey;
    if (image.channels() == 1)
        grey = image.clone();
    else
        cv::cvtColor(image, grey, image.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    cv::equalizeHist(grey, grey);
    return grey;
}

}  // namespace

FaceDetectorOptions FaceDetectorOptions::from_settings(const nlohmann::json& s) {
    FaceDetectorOptions o;
    o.cascade = s.value("cascade", o.cascade);
    o.verify_cascade = s.value("verify_cascade", o.verify_cascade);
    o.scale_factor = std::clamp(s.value("scale_factor", o.scale_factor), 1.01, 2.0);
    o.min_neighbors = std::max(0, s.value("min_neighbors", o.min_neighbors));
    o.verify_min_neighbors = std::max(0, s.value("verify_min_neighbors", o.verify_min_neighbors));
    o.min_size = std::clamp(s.value("min_size", o.min_size), 0.0, 1.0);
    return o;
}

std::string resolve_cascade_path(const std::string& name) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (name.empty()) return {};
    if (fs::is_regular_file(name, ec)) return name;
    if (name.find('/') != std::string::npos) return {};
    for (const char* dir : kCascadeDirs)
        if (fs::path p = fs::path(dir) / name; fs::is_regular_file(p, ec)) return p.string();
    return {};
}

struct FaceDetector::Cascades {
    std::unique_ptr<cv::CascadeClassifier> finder;
    std::unique_ptr<cv::CascadeClassifier> verifier;  // null when the recipe names none
};

FaceDetector::FaceDetector(FaceDetectorOptions options) : options_(std::move(options)) {
    give_back(borrow());  // loads the first pair now, so a missing file fails at start
}

FaceDetector::~FaceDetector() = default;

std::unique_ptr<FaceDetector::Cascades> FaceDetector::borrow() const {
    {
        std::lock_guard lock(mutex_);
        if (!idle_.empty()) {
            auto cascades = std::move(idle_.back());
            idle_.pop_back();
            return cascades;
        }
    }
    auto cascades = std::make_unique<Cascades>();
    cascades->finder = load(options_.cascade);
    if (!options_.verify_cascade.empty()) cascades->verifier = load(options_.verify_cascade);
    return cascades;
}

void FaceDetector::give_back(std::unique_ptr<Cascades> cascades) const {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(cascades));
}

std::vector<cv::Rect> FaceDetector::detect(const cv::Mat& image) const {
    if (image.empty()) return {};
    cv::Mat grey = equalised_grey(image);
    int side = std::max(20, static_cast<int>(options_.min_size * std::min(grey.cols, grey.rows)));
    auto cascades = borrow();
    std::vector<cv::Rect> candidates, faces;
    cascades->finder->detectMultiScale(grey, candidates, options_.scale_factor,
                                       options_.min_neighbors, 0, {side, side});
    for (const cv::Rect& face : candidates) {
        if (cascades->verifier) {
            // The confirming cascade looks at the candidate with a margin, for a face of
            // about the same size.
            int pad = face.width * 3 / 10;
            cv::Rect around =
                cv::Rect(face.x - pad, face.y - pad, face.width + 2 * pad, face.height + 2 * pad) &
                cv::Rect(0, 0, grey.cols, grey.rows);
            std::vector<cv::Rect> confirmed;
            int min_side = face.width * 6 / 10;
            cascades->verifier->detectMultiScale(grey(around), confirmed, 1.05,
                                                 options_.verify_min_neighbors, 0,
                                                 {min_side, min_side});
            if (confirmed.empty()) continue;
        }
        faces.push_back(face);
    }
    give_back(std::move(cascades));
    std::sort(faces.begin(), faces.end(),
              [](const cv::Rect& a, const cv::Rect& b) { return a.area() > b.area(); });
    return faces;
}

std::vector<DetectedFace> FaceDetector::find(const cv::Mat& bgr) const {
    std::vector<DetectedFace> faces;
    for (const cv::Rect& r : detect(bgr)) faces.push_back({cv::Rect2f(r), std::nullopt, {}});
    return faces;
}

}  // namespace fotogal::pipeline
