// libjpeg (and so OpenCV) decodes a cut-off JPEG without complaint, filling the missing part
// with grey. We refuse such files instead of publishing half a picture: a JPEG is complete
// when an end-of-image marker follows its first scan.
#pragma once

#include <cstdint>
#include <span>

namespace fotogal::pipeline {

bool jpeg_is_complete(std::span<const std::uint8_t> jpeg);

}  // namespace fotogal::pipeline
