#include <cstdlib>
#include <opencv2/core.hpp>

#include "common/log.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

// EXIF orientation N says how the stored pixels must be transformed to be seen upright.
cv::Mat apply_orientation(const cv::Mat& in, int orientation) {
    cv::Mat out;
    switch (orientation) {
        case 2:
            cv::flip(in, out, 1);
            break;  // mirror horizontal
        case 3:
            cv::rotate(in, out, cv::ROTATE_180);
            break;  // rotate 180
        case 4:
            cv::flip(in, out, 0);
            break;  // mirror vertical
        case 5:
            cv::transpose(in, out);
            break;  // mirror + rotate 270 CW
        case 6:
            cv::rotate(in, out, cv::ROTATE_90_CLOCKWISE);
            break;  // rotate 90 CW
        case 7:
            cv::transpose(in, out);
            cv::flip(out, out, -1);
            break;  // mirror + rotate 90 CW
        case 8:
            cv::rotate(in, out, cv::ROTATE_90_COUNTERCLOCKWISE);
            break;
        default:
            return in;
    }
    return out;
}

}  // namespace

void orient(Job& job) {
    job.image = apply_orientation(job.image, job.orientation);
    // A decoder may disagree with the header (a multi-page TIFF, say); the pixels win.
    // Shrink-on-load scaled the picture by n/d, rounding up.
    long n = job.decode_numerator, d = job.decode_denominator;
    long expected_w = (job.oriented_width * n + d - 1) / d;
    long expected_h = (job.oriented_height * n + d - 1) / d;
    if (std::abs(job.image.cols - expected_w) > 1 || std::abs(job.image.rows - expected_h) > 1) {
        log::warn("decoded size differs from the header; using the decoded size",
                  {{"header", {job.oriented_width, job.oriented_height}},
                   {"decoded", {job.image.cols, job.image.rows}}});
        job.oriented_width = static_cast<int>(job.image.cols * d / n);
        job.oriented_height = static_cast<int>(job.image.rows * d / n);
    }
}

}  // namespace fotogal::pipeline::steps
