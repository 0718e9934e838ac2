// BMP run-length encoding (RLE8 and RLE4) into a plane of palette indices.
#pragma once

#include <opencv2/core.hpp>

#include "workers/pipeline/decoders/raster_support.hpp"

namespace fotogal::pipeline::raster {

// Decodes the RLE stream at the cursor into `indices` (CV_8UC1, zero-filled by the caller:
// pixels a delta or an early end skips keep index 0, as OpenCV left them). `bottom_up`
// flips bottom-up files. Throws "undecodable" when a run overflows its row, "truncated"
// when the stream ends before its end-of-bitmap code and before the last row.
void decode_bmp_rle(Cursor& in, cv::Mat& indices, bool four_bit, bool bottom_up);

}  // namespace fotogal::pipeline::raster
