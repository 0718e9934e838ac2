// Reducing a picture to a rendition's size with a Lanczos3 kernel that widens with the
// reduction factor, as libvips' reduce does: it keeps fine texture up to the new Nyquist limit
// and aliases nothing above it, so renditions need no sharpening afterwards (measured against
// vipsthumbnail in docs/processing.md, "Rendition sharpness"). OpenCV's INTER_LANCZOS4 keeps
// its kernel at the source's pixel spacing when reducing, which aliases, and INTER_AREA's box
// blurs the last octave; this is neither.
#pragma once

#include <opencv2/core.hpp>

namespace fotogal::pipeline {

// `source` (8- or 16-bit, or float; 1 to 4 channels) reduced to `size` (never larger), each
// axis by its own factor. Factors of 4 and more first average integer blocks (exact and cheap)
// and leave between 2 and 4 to the kernel, as libvips does. The same Mat when the size already
// fits. Alpha is filtered like any channel.
cv::Mat reduce(const cv::Mat& source, cv::Size size);

}  // namespace fotogal::pipeline
