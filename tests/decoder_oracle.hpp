// OpenCV's imread(IMREAD_UNCHANGED) as the oracle for our own decoders (the tests link
// imgcodecs, the shipped binaries do not): the largest difference between the two readings.
#pragma once

#include <opencv2/imgcodecs.hpp>
#include <string>
#include <vector>

#include "corpus.hpp"
#include "workers/pipeline/decoders/decoder.hpp"

namespace fotogal::test {

inline pipeline::DecodedImage decode_corpus(formats::ImageFormat format,
                                            const std::string& relative) {
    auto bytes = read_corpus(relative);
    return pipeline::decode_image(format, bytes, {0, 0, 100'000'000});
}

// OpenCV spreads grey + alpha to BGRA; ours keeps 2 channels: compare grey and alpha.
inline double max_diff_from_opencv(const cv::Mat& ours, const std::string& relative) {
    cv::Mat oracle = cv::imread(corpus_file(relative).string(), cv::IMREAD_UNCHANGED);
    if (oracle.empty()) return -1;
    if (ours.channels() == 2 && oracle.channels() == 4) {
        std::vector<cv::Mat> p;
        cv::split(oracle, p);
        cv::merge(std::vector<cv::Mat>{p[0], p[3]}, oracle);
    }
    if (oracle.size() != ours.size() || oracle.type() != ours.type()) return 1e9;
    return cv::norm(oracle, ours, cv::NORM_INF);
}

}  // namespace fotogal::test
