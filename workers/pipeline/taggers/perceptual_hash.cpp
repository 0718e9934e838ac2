// 64-bit perceptual hash (DCT pHash): grey 32x32, 2-D DCT, the 8x8 lowest frequencies, one
// bit per coefficient: above their median or not (the DC term is left out of the median, it
// only says how bright the picture is). Resizing or recompressing a photo flips few bits;
// different photos differ in about half. Written as 16 hex digits.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

#include "workers/pipeline/taggers/tagger.hpp"

namespace fotogal::pipeline::taggers {

namespace {

std::uint64_t phash(const cv::Mat& bgr) {
    cv::Mat grey, small, freq;
    cv::cvtColor(bgr, grey, cv::COLOR_BGR2GRAY);
    cv::resize(grey, small, {32, 32}, 0, 0, cv::INTER_AREA);
    small.convertTo(small, CV_32F);
    cv::dct(small, freq);
    cv::Mat low = freq(cv::Rect(0, 0, 8, 8)).clone();
    std::vector<float> values(low.begin<float>() + 1, low.end<float>());
    std::nth_element(values.begin(), values.begin() + values.size() / 2, values.end());
    float median = values[values.size() / 2];
    std::uint64_t hash = 0;
    int bit = 63;
    for (auto it = low.begin<float>(); it != low.end<float>(); ++it, --bit)
        if (*it > median) hash |= std::uint64_t{1} << bit;
    return hash;
}

void run(Job& job, const nlohmann::json&) {
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(phash(job.analysis)));
    job.tags["perceptual_hash"] = hex;
}

}  // namespace

const Tagger perceptual_hash{"perceptual_hash", "{}", run};

}  // namespace fotogal::pipeline::taggers
