// Where the eye goes: spectral-residual saliency (Hou and Zhang, CVPR 2007). In the log
// amplitude spectrum of a small grey copy, what the local average does not explain is the
// "unexpected" part of the picture; transformed back, it lights up objects against plain or
// repetitive backgrounds. Cheap (a 64x64 FFT), no model file.
#pragma once

#include <opencv2/core.hpp>

namespace fotogal::pipeline {

// A CV_32F map of the picture's saliency, 0..1, 64 pixels on its longer side, same aspect.
cv::Mat spectral_residual_saliency(const cv::Mat& bgr);

}  // namespace fotogal::pipeline
