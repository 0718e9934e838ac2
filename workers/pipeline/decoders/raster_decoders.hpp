// Our own decoders for the simple raster formats OpenCV's imdecode used to read (so the
// pipeline need not link opencv_imgcodecs). Each delivers what imdecode(IMREAD_UNCHANGED)
// delivered: BGR(A) channel order, 8-bit unless the file holds more (16-bit PNM, float PFM
// and Radiance HDR), grey when the file is grey. Each checks the size the header declares
// against DecodeRequest::max_pixels and against what the file can hold before allocating, and
// throws ProcessingError ("invalid_header", "truncated", "too_many_pixels", "undecodable").
#pragma once

#include "workers/pipeline/decoders/decoder.hpp"

namespace fotogal::pipeline {

// Windows/OS2 bitmap: 1/4/8-bit palette (RLE4/RLE8 too), 16-bit 555/565, 24- and 32-bit.
DecodedImage decode_bmp(Bytes bytes, const DecodeRequest& request);
// Netpbm P1-P6, ASCII and binary; maxval above 255 gives 16-bit.
DecodedImage decode_pnm(Bytes bytes, const DecodeRequest& request);
// Portable float map (PF colour, Pf grey) -> 32-bit float.
DecodedImage decode_pfm(Bytes bytes, const DecodeRequest& request);
// Radiance RGBE (.hdr), flat or run-length encoded -> 32-bit float BGR.
DecodedImage decode_hdr(Bytes bytes, const DecodeRequest& request);
// Sun raster: 1/8/24/32-bit, plain or byte-encoded (RLE), with or without a colour map.
DecodedImage decode_sunras(Bytes bytes, const DecodeRequest& request);

}  // namespace fotogal::pipeline
