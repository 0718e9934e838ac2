// The input blobs the DNN taggers feed their networks, made from the job's analysis picture
// (8-bit BGR, 512 px on its longer side): never from a second decode of the original.
#pragma once

#include <opencv2/core.hpp>

namespace fotogal::pipeline {

// A picture scaled to fit a network's square input, aspect kept, centred on grey padding
// (YOLO's own letterbox): stretching a 3:2 photo to a square squashed people enough to
// lose them on corpus/faces at 320 px, the letterbox found them all.
struct Letterbox {
    cv::Mat blob;        // NCHW float, RGB, 0..1
    double scale = 1;    // input pixels per source pixel
    cv::Point2d offset;  // where the source's top-left corner lands in the input
    cv::Size source;     // the source picture's size
    cv::Size input;      // the network's input size

    // A box in input pixels mapped back to the source picture, clipped to it.
    cv::Rect2d to_source(const cv::Rect2d& input_box) const;
};

Letterbox yolo_letterbox(const cv::Mat& bgr, cv::Size input);

// open_nsfw's input: 256 x 256 resize, the centre 224 x 224, BGR minus its training mean
// (104, 117, 123), as an NHWC float blob 1 x 224 x 224 x 3 (the ONNX export keeps the
// TensorFlow layout).
cv::Mat open_nsfw_blob(const cv::Mat& bgr);

}  // namespace fotogal::pipeline
