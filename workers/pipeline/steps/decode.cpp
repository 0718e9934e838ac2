#include <cstdlib>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <string>

#include "workers/pipeline/geometry.hpp"
#include "workers/pipeline/jpeg_completeness.hpp"
#include "workers/pipeline/processing_error.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

namespace {

using formats::ImageFormat;

bool opencv_has_decoder(ImageFormat f) {
    return f != ImageFormat::gif && f != ImageFormat::heic && f != ImageFormat::avif;
}

int reduced_color_flag(int denominator) {
    switch (denominator) {
        case 2:
            return cv::IMREAD_REDUCED_COLOR_2;
        case 4:
            return cv::IMREAD_REDUCED_COLOR_4;
        case 8:
            return cv::IMREAD_REDUCED_COLOR_8;
        default:
            return cv::IMREAD_COLOR;
    }
}

// Later steps work on 8-bit BGR or BGRA only.
cv::Mat to_8bit_bgr(cv::Mat m) {
    if (m.depth() == CV_16U) {
        m.convertTo(m, CV_8U, 1.0 / 257.0);
    } else if (m.depth() == CV_32F || m.depth() == CV_64F) {
        m.convertTo(m, CV_8U, 255.0);  // saturates: HDR highlights clip to white
    } else if (m.depth() != CV_8U) {
        m.convertTo(m, CV_8U);
    }
    if (m.channels() == 1) cv::cvtColor(m, m, cv::COLOR_GRAY2BGR);
    if (m.channels() == 2) {  // grey + alpha
        std::vector<cv::Mat> planes;
        cv::split(m, planes);
        cv::Mat grey = planes[0], alpha = planes[1];
        cv::merge(std::vector<cv::Mat>{grey, grey, grey, alpha}, m);
    }
    return m;
}

}  // namespace

void decode(Job& job) {
    const formats::ImageHeader& header = *job.header;
    std::string name(formats::format_name(header.format));
    if (!opencv_has_decoder(header.format))
        throw ProcessingError(
            "no_decoder",
            "no " + name + " decoder in this build (OpenCV 4.6 cannot read " + name + " files)");
    int flags = cv::IMREAD_UNCHANGED;  // keeps alpha and 16-bit; never auto-rotates
    if (header.format == ImageFormat::jpeg) {
        if (!jpeg_is_complete(job.input))
            throw ProcessingError("truncated", "the JPEG is cut short (no end-of-image marker)");
        job.decode_denominator =
            shrink_on_load_denominator(job.recipe, job.oriented_width, job.oriented_height);
        // Orientation is our own step; OpenCV must not apply it a second time.
        flags = reduced_color_flag(job.decode_denominator) | cv::IMREAD_IGNORE_ORIENTATION;
    }
    cv::Mat raw(1, static_cast<int>(job.input.size()), CV_8U,
                const_cast<std::uint8_t*>(job.input.data()));
    cv::Mat image;
    try {
        image = cv::imdecode(raw, flags);
    } catch (const cv::Exception& e) {
        throw ProcessingError("undecodable",
                              "OpenCV could not decode this " + name + " file: " + e.err);
    }
    if (image.empty())
        throw ProcessingError("undecodable", "OpenCV could not decode this " + name +
                                                 " file (corrupt or a "
                                                 "variant it does not support)");
    job.image = to_8bit_bgr(std::move(image));
    job.metadata["decoded"] = {{"width", job.image.cols},
                               {"height", job.image.rows},
                               {"scale_denominator", job.decode_denominator}};
}

}  // namespace fotogal::pipeline::steps
