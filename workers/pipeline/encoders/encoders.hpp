// Rendition encoders, one per file, each calling its codec library directly (OpenCV's
// imgcodecs is not linked). They write pixels only: no EXIF, XMP, ICC or text chunk reaches
// a rendition. Input: 8-bit grey, BGR or BGRA. Failures throw ProcessingError "encode_failed".
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <vector>

namespace fotogal::pipeline {

// Baseline JPEG with optimised Huffman tables; alpha is not accepted (flatten it first).
std::vector<std::uint8_t> encode_jpeg(const cv::Mat& pixels, int quality);
// PNG at zlib level `compression` (0..9), alpha kept.
std::vector<std::uint8_t> encode_png(const cv::Mat& pixels, int compression);
// Lossy WebP at `quality` (1..100), alpha kept.
std::vector<std::uint8_t> encode_webp(const cv::Mat& pixels, int quality);
// AVIF (AV1, 8-bit 4:2:0) at `quality` (1..100), alpha kept, through libheif's AV1 encoder.
std::vector<std::uint8_t> encode_avif(const cv::Mat& pixels, int quality);
// Whether the libheif this process loaded has an AV1 encoder: a recipe asking for AVIF is
// refused up front without one, rather than failing every image.
bool avif_encoder_available();

}  // namespace fotogal::pipeline
