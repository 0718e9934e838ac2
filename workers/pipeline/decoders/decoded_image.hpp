// What a decoder hands to the pipeline: the pixels as the file stores them (no colour
// conversion yet; that is the to_srgb step's work), and what is needed to read them.
#pragma once

#include <cstdint>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace fotogal::pipeline {

// How the channels of the decoded pixels are to be read. Alpha, when present, is last.
enum class ColourModel {
    bgr,   // 3 channels (BGRA with alpha), 8- or 16-bit, or float (linear HDR, 0..1 = black..white)
    grey,  // 1 channel (2 with alpha)
    cmyk,  // 4 channels C, M, Y, K as stored (see cmyk_inverted)
};

struct ColourInfo {
    ColourModel model = ColourModel::bgr;
    bool has_alpha = false;
    // Adobe (Photoshop) CMYK JPEGs store 255 for "no ink": the values are inverted.
    bool cmyk_inverted = false;
    std::vector<std::uint8_t> icc_profile;  // embedded ICC profile, empty when none
};

struct DecodedImage {
    cv::Mat pixels;
    ColourInfo colour;
    // Shrink-on-load: the pixels are the picture scaled by numerator/denominator.
    int scale_numerator = 1;
    int scale_denominator = 1;
    // Oddities the decoder recovered from (corrupt entropy data, ...), for the manifest.
    std::vector<std::string> warnings;
    // The decoder already applied the container's rotation/mirroring (HEIF irot/imir).
    bool already_oriented = false;
};

}  // namespace fotogal::pipeline
