// Objects from a YOLOv3 (Darknet) network's outputs, as OpenCV's region layer gives them:
// one row per candidate box, [cx, cy, w, h, objectness, one score per class], positions as
// fractions of the input, class scores already multiplied by the objectness.
#pragma once

#include <opencv2/core.hpp>
#include <vector>

#include "workers/pipeline/dnn_inputs.hpp"

namespace fotogal::pipeline {

struct Detection {
    int class_id = 0;
    float score = 0;
    cv::Rect2d box;  // in the letterboxed source picture's pixels
};

struct YoloThresholds {
    float min_score = 0.4f;  // a candidate's best class score must reach this
    float nms_iou = 0.45f;   // overlapping boxes of one class above this IoU are one object
    int max_objects = 20;    // the highest scores kept, so a crowd cannot bloat the manifest
};

// Non-maximum suppression per class, best score first.
std::vector<Detection> decode_yolo(const std::vector<cv::Mat>& outputs, const Letterbox& letterbox,
                                   const YoloThresholds& thresholds);

}  // namespace fotogal::pipeline
