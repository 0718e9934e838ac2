// Faces with YuNet (OpenCV Zoo's face_detection_yunet_2023mar.onnx, docs/models.md), run by
// cv::dnn. OpenCV 4.6's cv::FaceDetectorYN cannot run this version of the model (an eltwise
// assertion), so the raw outputs are decoded here: for each stride s of 8, 16 and 32, outputs
// cls_s, obj_s (scores), bbox_s (box offsets) and kps_s (five landmarks) per grid cell; the
// score is sqrt(cls * obj); then non-maximum suppression.
//
// The picture is scaled to fit kInputSide x kInputSide and padded at the right and bottom:
// one input size for every picture, as the net pool requires (net_pool.hpp). 512, the
// analysis copy's longer side: it goes in as it is, never scaled up (640 found the same faces
// on the corpus at 1.6 times the cost, docs/models.md).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "workers/pipeline/dnn/net_pool.hpp"
#include "workers/pipeline/face_finder.hpp"

namespace fotogal::pipeline {

struct YuNetOptions {
    // Faces below this confidence are dropped. 0.8: on the corpus every true face scores
    // 0.89 or more, while a clock and a doll on a wall score 0.70 and 0.77.
    float score_threshold = 0.8f;
    float nms_threshold = 0.3f;  // overlap (IoU) above which the weaker box is dropped
    int max_faces = 100;

    // From the recipe's taggers.faces settings (already checked against the defaults).
    static YuNetOptions from_settings(const nlohmann::json& settings);
};

class YuNetDetector : public FaceFinder {
  public:
    static constexpr int kInputSide = 512;

    // `onnx`: the verified model bytes (dnn::read_model(dnn::kYuNet)). Builds the first
    // network now, so a model OpenCV cannot read fails at start-up.
    YuNetDetector(std::vector<unsigned char> onnx, YuNetOptions options);

    std::vector<DetectedFace> find(const cv::Mat& bgr) const override;
    const char* name() const override { return "yunet"; }

  private:
    YuNetOptions options_;
    dnn::NetPool nets_;
};

}  // namespace fotogal::pipeline
