// The state one image carries through the pipeline's steps. The pipeline takes bytes and a
// recipe and returns outputs and manifest parts; it knows nothing of Kafka or storage.
#pragma once

#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/decoders/decoded_image.hpp"
#include "workers/pipeline/recipe.hpp"

namespace fotogal::pipeline {

struct Output {
    std::string name;
    std::string format;      // "jpeg", "webp", "png", "avif"
    std::string extension;   // "jpg", "webp", "png", "avif"
    std::string media_type;  // "image/jpeg", ...
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> bytes;
};

// A rendition's pixels between the resize steps and the encode step.
struct RenditionImage {
    const RenditionSpec* spec = nullptr;
    cv::Mat pixels;  // what the encode step writes, and what smaller sizes are reduced from
};

struct Job {
    Job(std::span<const std::uint8_t> input, const Recipe& recipe)
        : input(input), recipe(recipe), started(std::chrono::steady_clock::now()) {}

    std::span<const std::uint8_t> input;
    const Recipe& recipe;
    std::chrono::steady_clock::time_point started;

    std::optional<formats::ImageHeader> header;  // sniff
    int orientation = 1;                         // metadata (EXIF 1..8)
    int oriented_width = 0;                      // the picture as it is meant to be seen
    int oriented_height = 0;
    int decode_numerator = 1;                // decode: the picture scaled by
    int decode_denominator = 1;              //   numerator/denominator (JPEG DCT M/8)
    cv::Mat image;                           // decode/orient: as stored; to_srgb: 8-bit BGR(A)
    ColourInfo colour;                       // decode: how to read `image` until to_srgb
    std::vector<std::string> warnings;       // oddities recovered from, into the manifest
    std::vector<RenditionImage> renditions;  // renditions + thumbnail, recipe order
    cv::Mat analysis;               // analysis: small 8-bit BGR copy the detectors and taggers read
    std::vector<cv::Rect2d> faces;  // faces: boxes as fractions (0..1) of the upright picture
    std::vector<Output> outputs;    // encode
    nlohmann::json metadata = nlohmann::json::object();
    nlohmann::json tags = nlohmann::json::object();
    // tags: flat labels any tagger adds (object classes, "sensitive"); the manifest keeps
    // each once, in the order first added.
    std::vector<std::string> labels;
    bool held = false;  // tags: moderation asks that the image wait for review (docs/processing.md)
    nlohmann::json crops = nlohmann::json::object();  // thumbnail: cover crop and why, per name
    nlohmann::json timings_ms = nlohmann::json::object();
};

// The smallest picture made so far (the decoded one, or a rendition) that still covers
// `needed`: what a smaller picture is reduced from, far cheaper to read than the decoded one.
inline const cv::Mat& smallest_covering(const Job& job, cv::Size needed) {
    const cv::Mat* best = &job.image;
    for (const auto& r : job.renditions) {
        const cv::Mat& m = r.pixels;
        if (m.cols >= needed.width && m.rows >= needed.height && m.total() < best->total())
            best = &m;
    }
    return *best;
}

}  // namespace fotogal::pipeline
