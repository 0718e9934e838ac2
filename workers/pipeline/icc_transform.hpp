// Colour conversion through an embedded ICC profile with lcms2 (Little CMS, the standard
// colour-management library; libvips and GIMP use it too).
#pragma once

#include <opencv2/core.hpp>
#include <optional>
#include <string>

#include "workers/pipeline/decoders/decoded_image.hpp"

namespace fotogal::pipeline {

enum class IccOutcome {
    converted,     // `out` holds 8-bit sRGB BGR or BGRA
    already_srgb,  // the profile is an sRGB profile: nothing to do but a plain conversion
    unusable,      // broken, or for another colour space than the pixels: `problem` says why
};

// Converts 8- or 16-bit `pixels`, laid out as `colour` says, from the embedded profile to
// sRGB (relative colorimetric intent, as libvips does by default, or perceptual for profiles
// that only have that). Alpha is carried over.
IccOutcome icc_to_srgb(const cv::Mat& pixels, const ColourInfo& colour, cv::Mat& out,
                       std::string& problem);

}  // namespace fotogal::pipeline
