#include <algorithm>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// Detectors and taggers look at this many pixels on the longer side: faces down to about
// 20 pixels are still found at this size, and every tagger together stays a small part of
// an image's time. The default recipe's "small" rendition is exactly this size, so it is
// reused as is.
constexpr int kAnalysisSide = 512;

cv::Mat to_bgr8(const cv::Mat& image) {
    cv::Mat out = image;
    if (out.depth() != CV_8U) {
        double scale = out.depth() == CV_16U ? 1.0 / 257 : out.depth() == CV_32F ? 255.0 : 1.0;
        out.convertTo(out, CV_8U, scale);
    }
    if (out.channels() == 1) cv::cvtColor(out, out, cv::COLOR_GRAY2BGR);
    if (out.channels() == 4) cv::cvtColor(out, out, cv::COLOR_BGRA2BGR);
    return out;
}

}  // namespace

// A small 8-bit BGR copy of the upright picture, from the smallest reduction made so far that
// still covers it.
void analysis(Job& job) {
    cv::Size target = fit_longest_side(job.image.size(), kAnalysisSide);
    const cv::Mat& source = smallest_covering(job, target);
    cv::Mat resized;
    if (std::abs(source.cols - target.width) <= 1 && std::abs(source.rows - target.height) <= 1)
        resized = source;
    else
        cv::resize(source, resized, target, 0, 0, cv::INTER_AREA);
    job.analysis = to_bgr8(resized);
}

}  // namespace fotogal::pipeline::steps
