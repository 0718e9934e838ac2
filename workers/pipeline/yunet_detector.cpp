#include "workers/pipeline/yunet_detector.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

namespace fotogal::pipeline {

namespace {

constexpr int kStrides[] = {8, 16, 32};

// The model's output names, in the order forward() is asked for them: per stride, cls, obj,
// bbox, kps.
std::vector<std::string> output_names() {
    std::vector<std::string> names;
    for (const char* kind : {"cls", "obj", "bbox", "kps"})
        for (int stride : kStrides)
            names.push_back(std::string(kind) + "_" + std::to_string(stride));
    return names;
}

float clamp01(float v) {
    return std::clamp(v, 0.0f, 1.0f);
}

}  // namespace

YuNetOptions YuNetOptions::from_settings(const nlohmann::json& s) {
    YuNetOptions o;
    o.score_threshold = std::clamp(s.value("score_threshold", o.score_threshold), 0.0f, 1.0f);
    o.nms_threshold = std::clamp(s.value("nms_threshold", o.nms_threshold), 0.0f, 1.0f);
    return o;
}

YuNetDetector::YuNetDetector(std::vector<unsigned char> onnx, YuNetOptions options)
    : options_(options),
      nets_([onnx = std::move(onnx)] { return cv::dnn::readNetFromONNX(onnx); },
            {kInputSide, kInputSide}) {}

namespace {

struct Candidates {
    std::vector<cv::Rect2d> boxes;
    std::vector<float> scores;
    std::vector<std::vector<cv::Point2f>> landmarks;
};

// The raw outputs as boxes and landmarks in the input's pixels.
void decode(const std::vector<cv::Mat>& outputs, float threshold, Candidates& out) {
    constexpr std::size_t kStrideCount = std::size(kStrides);
    const int side = YuNetDetector::kInputSide;
    for (std::size_t s = 0; s < kStrideCount; ++s) {
        const int stride = kStrides[s];
        const int cols = side / stride, rows = side / stride;
        const float* cls = outputs[s].ptr<float>();
        const float* obj = outputs[kStrideCount + s].ptr<float>();
        const float* bbox = outputs[2 * kStrideCount + s].ptr<float>();
        const float* kps = outputs[3 * kStrideCount + s].ptr<float>();
        for (int row = 0; row < rows; ++row)
            for (int col = 0; col < cols; ++col) {
                const int i = row * cols + col;
                float score = std::sqrt(clamp01(cls[i]) * clamp01(obj[i]));
                if (score < threshold) continue;
                const float* b = bbox + 4 * i;
                double cx = (col + b[0]) * stride, cy = (row + b[1]) * stride;
                double w = std::exp(b[2]) * stride, h = std::exp(b[3]) * stride;
                out.boxes.emplace_back(cx - w / 2, cy - h / 2, w, h);
                out.scores.push_back(score);
                std::vector<cv::Point2f> points;
                for (int k = 0; k < 5; ++k)
                    points.emplace_back((col + kps[10 * i + 2 * k]) * stride,
                                        (row + kps[10 * i + 2 * k + 1]) * stride);
                out.landmarks.push_back(std::move(points));
            }
    }
}

}  // namespace

std::vector<DetectedFace> YuNetDetector::find(const cv::Mat& bgr) const {
    if (bgr.empty()) return {};
    // Scale to fit the square input, pad the rest with black at the right and bottom, so a
    // box maps back by one division.
    double scale = std::min(double(kInputSide) / bgr.cols, double(kInputSide) / bgr.rows);
    cv::Size scaled(std::max(1, int(std::lround(bgr.cols * scale))),
                    std::max(1, int(std::lround(bgr.rows * scale))));
    cv::Mat input(kInputSide, kInputSide, CV_8UC3, cv::Scalar::all(0));
    cv::resize(bgr, input(cv::Rect({0, 0}, scaled)), scaled, 0, 0,
               scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    Candidates candidates;
    {
        auto net = nets_.lease();
        net->setInput(cv::dnn::blobFromImage(input));  // NCHW, BGR 0..255, no mean, no scale
        std::vector<cv::Mat> outputs;
        net->forward(outputs, output_names());
        decode(outputs, options_.score_threshold, candidates);
    }

    // top_k 0: NMSBoxes's top_k keeps that many candidates *before* suppression, and each
    // face has several (neighbouring cells, both passes), so a cap there loses faces.
    std::vector<int> kept;
    cv::dnn::NMSBoxes(candidates.boxes, candidates.scores, options_.score_threshold,
                      options_.nms_threshold, kept, 1.0f, 0);
    if (kept.size() > std::size_t(options_.max_faces)) kept.resize(options_.max_faces);
    const cv::Rect2d picture(0, 0, bgr.cols, bgr.rows);
    std::vector<DetectedFace> faces;
    for (int i : kept) {
        const cv::Rect2d& b = candidates.boxes[i];
        cv::Rect2d box =
            cv::Rect2d(b.x / scale, b.y / scale, b.width / scale, b.height / scale) & picture;
        if (box.width <= 0 || box.height <= 0) continue;
        std::vector<cv::Point2f> points;
        for (const cv::Point2f& p : candidates.landmarks[i])
            points.emplace_back(float(p.x / scale), float(p.y / scale));
        faces.push_back({cv::Rect2f(box), candidates.scores[i], std::move(points)});
    }
    std::sort(faces.begin(), faces.end(), [](const DetectedFace& a, const DetectedFace& b) {
        return a.box.area() > b.box.area();
    });
    return faces;
}

}  // namespace fotogal::pipeline
