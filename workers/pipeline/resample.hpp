// Reducing a picture to a rendition's size. Two halves, kept apart so blur never compounds:
// `reduce` (area averaging, cheap and alias-free) makes the pictures smaller sizes are reduced
// from, and `crisp_reduction` adds the final mild unsharp mask that restores what the box
// filter (and JPEG shrink-on-load before it) takes from fine texture, as libvips' Lanczos3
// keeps it. Only finished renditions are sharpened; nothing sharpened is reduced again.
#pragma once

#include <opencv2/core.hpp>

namespace fotogal::pipeline {

// `source` reduced to `size` (never larger): area averaging from a factor of 1.5 down,
// bicubic for gentler factors (where a box blurs). The same Mat when the size already fits.
cv::Mat reduce(const cv::Mat& source, cv::Size size);

// `reduce(source, reduced.size())` finished for delivery: an unsharp mask on the colour
// channels (alpha untouched) as strong as the reduction softened, measured against libvips
// (resample.cpp): after area averaging, or after a gentle bicubic step from a JPEG shrunk on
// load (libjpeg's DCT scaling softens too); none when bicubic worked on stored pixels, and
// none at all when nothing was reduced (a picture delivered as stored keeps its pixels).
cv::Mat crisp_reduction(const cv::Mat& reduced, cv::Size source_size, bool shrunk_on_load);

}  // namespace fotogal::pipeline
