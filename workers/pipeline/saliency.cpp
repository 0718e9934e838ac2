#include "workers/pipeline/saliency.hpp"

#include <algorithm>
#include <opencv2/imgproc.hpp>

namespace fotogal::pipeline {

cv::Mat spectral_residual_saliency(const cv::Mat& bgr) {
    constexpr int kSide = 64;
    cv::Mat grey, small;
    if (bgr.channels() == 1)
        grey = bgr;
    else
        cv::cvtColor(bgr, grey, bgr.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    // The spectrum is taken of a square copy: the method is tuned for that scale, and the
    // map is stretched back to the picture's aspect afterwards.
    cv::resize(grey, small, {kSide, kSide}, 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F, 1.0 / 255);

    cv::Mat planes[] = {small, cv::Mat::zeros(small.size(), CV_32F)}, complex;
    cv::merge(planes, 2, complex);
    cv::dft(complex, complex);
    cv::split(complex, planes);
    cv::Mat magnitude, phase, log_amplitude, smoothed, residual;
    cv::cartToPolar(planes[0], planes[1], magnitude, phase);
    cv::log(magnitude + 1e-6f, log_amplitude);
    cv::blur(log_amplitude, smoothed, {3, 3});
    cv::exp(log_amplitude - smoothed, residual);
    cv::polarToCart(residual, phase, planes[0], planes[1]);
    cv::merge(planes, 2, complex);
    cv::idft(complex, complex, cv::DFT_SCALE);
    cv::split(complex, planes);
    cv::Mat map;
    cv::magnitude(planes[0], planes[1], map);
    map = map.mul(map);
    cv::GaussianBlur(map, map, {9, 9}, 2.5);

    int w = bgr.cols >= bgr.rows ? kSide : std::max(1, kSide * bgr.cols / bgr.rows);
    int h = bgr.rows >= bgr.cols ? kSide : std::max(1, kSide * bgr.rows / bgr.cols);
    cv::resize(map, map, {w, h}, 0, 0, cv::INTER_AREA);
    cv::normalize(map, map, 0, 1, cv::NORM_MINMAX);
    return map;
}

}  // namespace fotogal::pipeline
