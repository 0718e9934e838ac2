#include "workers/pipeline/yolo_decode.hpp"

#include <algorithm>
#include <map>
#include <opencv2/dnn.hpp>

namespace fotogal::pipeline {

namespace {

constexpr int kBoxColumns = 5;  // cx, cy, w, h, objectness; class scores follow

struct Candidates {
    std::vector<cv::Rect2d> boxes;  // input pixels
    std::vector<float> scores;
};

}  // namespace

std::vector<Detection> decode_yolo(const std::vector<cv::Mat>& outputs, const Letterbox& letterbox,
                                   const YoloThresholds& thresholds) {
    std::map<int, Candidates> by_class;
    const double w = letterbox.input.width, h = letterbox.input.height;
    for (const cv::Mat& out : outputs) {
        if (out.dims != 2 || out.type() != CV_32F || out.cols <= kBoxColumns) continue;
        for (int r = 0; r < out.rows; ++r) {
            const float* row = out.ptr<float>(r);
            const float* best = std::max_element(row + kBoxColumns, row + out.cols);
            if (*best < thresholds.min_score) continue;
            Candidates& c = by_class[static_cast<int>(best - row - kBoxColumns)];
            c.boxes.emplace_back((row[0] - row[2] / 2) * w, (row[1] - row[3] / 2) * h, row[2] * w,
                                 row[3] * h);
            c.scores.push_back(*best);
        }
    }
    std::vector<Detection> found;
    for (const auto& [class_id, c] : by_class) {
        std::vector<int> keep;
        cv::dnn::NMSBoxes(c.boxes, c.scores, thresholds.min_score, thresholds.nms_iou, keep);
        for (int i : keep) {
            cv::Rect2d box = letterbox.to_source(c.boxes[static_cast<std::size_t>(i)]);
            if (box.area() <= 0) continue;  // all in the padding
            found.push_back({class_id, c.scores[static_cast<std::size_t>(i)], box});
        }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Detection& a, const Detection& b) { return a.score > b.score; });
    if (found.size() > static_cast<std::size_t>(std::max(thresholds.max_objects, 0)))
        found.resize(static_cast<std::size_t>(std::max(thresholds.max_objects, 0)));
    return found;
}

}  // namespace fotogal::pipeline
