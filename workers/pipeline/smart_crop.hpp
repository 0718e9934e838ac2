// Where a cover rendition cuts its box out of the scaled picture: around the faces when
// there are any, else around the most salient part, else in the middle.
#pragma once

#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace fotogal::pipeline {

struct CropChoice {
    cv::Rect rect;       // in the scaled picture
    std::string reason;  // "faces", "saliency" or "centre"
};

// scaled: the picture's size after scaling; box: the crop's size (<= scaled on both axes).
// faces: boxes as fractions (0..1) of the picture. saliency: a map of the whole picture at
// any resolution (see saliency.hpp), or empty.
CropChoice choose_crop(cv::Size scaled, cv::Size box, const std::vector<cv::Rect2d>& faces,
                       const cv::Mat& saliency);

}  // namespace fotogal::pipeline
