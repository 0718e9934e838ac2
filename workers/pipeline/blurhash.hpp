// BlurHash (the public algorithm of blurha.sh): a few DCT components of the picture in
// linear light, quantised and written in base 83 — a 20-30 character placeholder a client
// paints before the real image arrives.
#pragma once

#include <opencv2/core.hpp>
#include <string>

namespace fotogal::pipeline {

// `bgr`: 8-bit BGR. nx, ny: components across and down, 1..9.
std::string blurhash_encode(const cv::Mat& bgr, int nx, int ny);

// The placeholder as 8-bit BGR pixels; throws std::invalid_argument for a malformed hash.
cv::Mat blurhash_decode(const std::string& hash, int width, int height);

}  // namespace fotogal::pipeline
