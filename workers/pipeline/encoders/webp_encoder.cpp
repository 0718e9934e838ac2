#include <webp/encode.h>

#include <memory>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/encoders/encoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

namespace {

struct WebPFreer {
    void operator()(std::uint8_t* p) const { WebPFree(p); }
};

}  // namespace

std::vector<std::uint8_t> encode_webp(const cv::Mat& pixels, int quality) {
    cv::Mat input = pixels;
    if (input.channels() == 1) cv::cvtColor(input, input, cv::COLOR_GRAY2BGR);
    if (input.depth() != CV_8U || (input.channels() != 3 && input.channels() != 4))
        throw ProcessingError("encode_failed", "WebP renditions need 8-bit BGR or BGRA pixels");
    std::uint8_t* raw = nullptr;
    int stride = static_cast<int>(input.step[0]);
    float q = static_cast<float>(quality);
    std::size_t size = input.channels() == 4
                           ? WebPEncodeBGRA(input.data, input.cols, input.rows, stride, q, &raw)
                           : WebPEncodeBGR(input.data, input.cols, input.rows, stride, q, &raw);
    std::unique_ptr<std::uint8_t, WebPFreer> owned(raw);
    if (size == 0 || !raw) throw ProcessingError("encode_failed", "libwebp could not encode");
    return {raw, raw + size};
}

}  // namespace fotogal::pipeline
