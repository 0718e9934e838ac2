#include "workers/pipeline/dnn_inputs.hpp"

#include <algorithm>
#include <cmath>
#include <opencv2/dnn.hpp>
#include <opencv2/imgproc.hpp>

namespace fotogal::pipeline {

namespace {

constexpr int kNsfwResize = 256;
constexpr int kNsfwCrop = 224;
const cv::Scalar kNsfwMean(104, 117, 123);
const cv::Scalar kLetterboxGrey(127, 127, 127);

}  // namespace

cv::Rect2d Letterbox::to_source(const cv::Rect2d& input_box) const {
    cv::Rect2d box((input_box.x - offset.x) / scale, (input_box.y - offset.y) / scale,
                   input_box.width / scale, input_box.height / scale);
    return box & cv::Rect2d(0, 0, source.width, source.height);
}

Letterbox yolo_letterbox(const cv::Mat& bgr, cv::Size input) {
    Letterbox lb;
    lb.source = bgr.size();
    lb.input = input;
    // Scaled up too: a picture smaller than the input fills it, as its objects would.
    lb.scale = std::min(static_cast<double>(input.width) / bgr.cols,
                        static_cast<double>(input.height) / bgr.rows);
    cv::Size fitted(
        std::clamp(static_cast<int>(std::lround(bgr.cols * lb.scale)), 1, input.width),
        std::clamp(static_cast<int>(std::lround(bgr.rows * lb.scale)), 1, input.height));
    cv::Mat resized;
    cv::resize(bgr, resized, fitted, 0, 0, lb.scale < 1 ? cv::INTER_AREA : cv::INTER_LINEAR);
    cv::Mat padded(input, CV_8UC3, kLetterboxGrey);
    int x = (input.width - fitted.width) / 2, y = (input.height - fitted.height) / 2;
    resized.copyTo(padded(cv::Rect(x, y, fitted.width, fitted.height)));
    lb.offset = {static_cast<double>(x), static_cast<double>(y)};
    lb.blob = cv::dnn::blobFromImage(padded, 1 / 255.0, cv::Size(), cv::Scalar(), true, false);
    return lb;
}

cv::Mat open_nsfw_blob(const cv::Mat& bgr) {
    cv::Mat resized;
    cv::resize(bgr, resized, cv::Size(kNsfwResize, kNsfwResize), 0, 0, cv::INTER_LINEAR);
    int margin = (kNsfwResize - kNsfwCrop) / 2;
    cv::Mat pixels;
    resized(cv::Rect(margin, margin, kNsfwCrop, kNsfwCrop)).convertTo(pixels, CV_32FC3);
    pixels -= kNsfwMean;
    // HWC interleaved pixels are already NHWC: a 4-D header over a copy of the same bytes.
    const int dims[] = {1, kNsfwCrop, kNsfwCrop, 3};
    return cv::Mat(4, dims, CV_32F, pixels.data).clone();
}

}  // namespace fotogal::pipeline
