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
void analysis(Job& job);    // a small 8-bit BGR copy for the detectors and taggers
void faces(Job& job);       // face boxes (recipe taggers.faces), before the crop uses them
void thumbnail(Job& job);   // cover renditions: scale to fill, crop to faces/saliency/centre
void tags(Job& job);        // the other taggers named in the recipe (taggers/)
void encode(Job& job);      // pixels to JPEG/WebP/PNG, no metadata copied

}  // namespace fotogal::pipeline::steps
