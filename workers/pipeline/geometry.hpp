// Rendition geometry, shared by the decode step (how far it may shrink on load) and the
// resize steps (what they produce), so both agree to the pixel. Never upscales.
#pragma once

#include <opencv2/core/types.hpp>

#include "workers/pipeline/recipe.hpp"

namespace fotogal::pipeline {

// The scale (<= 1) a rendition applies to a w x h picture: fit = inside the box,
// cover = fill the box (the excess is cropped).
double rendition_scale(const RenditionSpec& spec, int w, int h);

// The size of the scaled picture before any crop.
cv::Size scaled_size(const RenditionSpec& spec, int w, int h);

// The size of the finished rendition: scaled_size for fit, clipped to the box for cover.
cv::Size rendition_size(const RenditionSpec& spec, int w, int h);

// `size` shrunk (never grown) so its longer side is at most `longest`, aspect kept, and
// each side at least 1 pixel: a 512 x 1 picture brought to 32 across is 32 x 1, not 32 x 0
// (cv::resize's scale factors round a side to 0 and assert).
cv::Size fit_longest_side(cv::Size size, int longest);

// The smallest picture that still covers every rendition of the recipe (the largest
// rendition's scaled size), for a picture of w x h.
cv::Size shrink_on_load_target(const Recipe& recipe, int w, int h);

// The largest JPEG DCT denominator (1, 2, 4 or 8) whose decoded size still covers every
// rendition of the recipe, for a picture of w x h.
int shrink_on_load_denominator(const Recipe& recipe, int w, int h);

}  // namespace fotogal::pipeline
