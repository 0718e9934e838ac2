// Embedded ICC profiles read by a bounded walk of the chunks, independent of the pixel
// decoder: PNG's iCCP chunk (zlib-compressed, inflated up to a cap) and WebP's ICCP chunk. Broken
// chunks yield no profile: the picture is then read as sRGB, which is what a browser would do.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace fotogal::pipeline {

std::vector<std::uint8_t> png_icc_profile(std::span<const std::uint8_t> png);
std::vector<std::uint8_t> webp_icc_profile(std::span<const std::uint8_t> webp);

}  // namespace fotogal::pipeline
