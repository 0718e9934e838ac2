// One function per pipeline step; each is defined in the file of the same name.
#pragma once

#include "workers/pipeline/job.hpp"

namespace fotogal::pipeline::steps {

void sniff(Job& job);       // format from the signature, size from the header
void limits(Job& job);      // bytes and pixels checked before any pixel is decoded
void metadata(Job& job);    // EXIF: orientation (and, later, camera facts)
void decode(Job& job);      // once, at the smallest JPEG scale that covers every rendition
void orient(Job& job);      // EXIF orientation applied to the pixels
void to_srgb(Job& job);     // ICC (lcms2), CMYK, grey, 16-bit, alpha -> 8-bit sRGB BGR(A)
void renditions(Job& job);  // fit-inside sizes, each from the previous, largest first
void thumbnail(Job& job);   // cover renditions: scale to fill, centre crop
void tags(Job& job);        // taggers named in the recipe
void encode(Job& job);      // pixels to JPEG/WebP/PNG, no metadata copied

}  // namespace fotogal::pipeline::steps
