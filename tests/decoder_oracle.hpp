// For the decoder tests: OpenCV's imdecode/imread(IMREAD_UNCHANGED) as the oracle (what the
// pipeline produced before it had its own decoders; the tests link imgcodecs, the shipped
// binaries do not), the corpus files of one sniffed format, and a byte builder for crafted
// files.
#pragma once

#include <doctest/doctest.h>
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/formats/image_header.hpp"
#include "corpus.hpp"
#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::test {

using Decoder =
    std::function<pipeline::DecodedImage(pipeline::Bytes, const pipeline::DecodeRequest&)>;

// The default limit of the recipe, as the worker passes it.
inline pipeline::DecodeRequest worker_request() {
    return pipeline::DecodeRequest{0, 0, 100'000'000};
}

// Empty when OpenCV cannot read the bytes (an empty Mat or an exception).
inline cv::Mat oracle(const std::vector<std::uint8_t>& bytes) {
    try {
        return cv::imdecode(cv::Mat(1, static_cast<int>(bytes.size()), CV_8U,
                                    const_cast<std::uint8_t*>(bytes.data())),
                            cv::IMREAD_UNCHANGED);
    } catch (const cv::Exception&) {
        return {};
    }
}

// The ProcessingError code the decoder ends with, or "" when it decodes.
inline std::string failure(const Decoder& decode, const std::vector<std::uint8_t>& bytes,
                           pipeline::DecodeRequest request = worker_request()) {
    try {
        decode(bytes, request);
    } catch (const pipeline::ProcessingError& e) {
        return e.code();
    }
    return "";
}

// Largest absolute difference of two pictures of the same size and type; -1 otherwise.
inline double max_abs_diff(const cv::Mat& a, const cv::Mat& b) {
    if (a.size() != b.size() || a.type() != b.type()) return -1;
    return cv::norm(a, b, cv::NORM_INF);
}

// `decode` reads `bytes` exactly as OpenCV did: the same type and every pixel the same.
inline void check_same_as_oracle(const Decoder& decode, const std::vector<std::uint8_t>& bytes) {
    cv::Mat expected = oracle(bytes);
    REQUIRE_FALSE(expected.empty());
    cv::Mat actual = decode(bytes, worker_request()).pixels;
    CHECK(actual.type() == expected.type());
    CHECK(max_abs_diff(actual, expected) == 0);
}

// Every file in formats/ and bad/ that sniffs as `format` (by its bytes, as the worker does).
inline std::vector<std::string> corpus_files_of(formats::ImageFormat format) {
    std::vector<std::string> out;
    for (const char* folder : {"formats", "bad"})
        for (const auto& entry : std::filesystem::directory_iterator(corpus_dir() / folder)) {
            auto bytes = read_file(entry.path());
            if (formats::sniff_format(bytes) == format)
                out.push_back(std::string(folder) + "/" + entry.path().filename().string());
        }
    std::sort(out.begin(), out.end());
    return out;
}

// Appends little- and big-endian fields and text to a crafted file.
struct FileBuilder {
    std::vector<std::uint8_t> bytes;

    FileBuilder& u8(unsigned v) {
        bytes.push_back(static_cast<std::uint8_t>(v));
        return *this;
    }
    FileBuilder& le16(unsigned v) { return u8(v & 0xFF).u8(v >> 8 & 0xFF); }
    FileBuilder& le32(std::uint32_t v) { return le16(v & 0xFFFF).le16(v >> 16); }
    FileBuilder& be32(std::uint32_t v) {
        return u8(v >> 24).u8(v >> 16 & 0xFF).u8(v >> 8 & 0xFF).u8(v & 0xFF);
    }
    FileBuilder& text(std::string_view s) {
        bytes.insert(bytes.end(), s.begin(), s.end());
        return *this;
    }
    FileBuilder& raw(const std::vector<std::uint8_t>& more) {
        bytes.insert(bytes.end(), more.begin(), more.end());
        return *this;
    }
    FileBuilder& repeat(std::size_t count, std::uint8_t v) {
        bytes.insert(bytes.end(), count, v);
        return *this;
    }
};

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
