// The raster decoders (workers/pipeline/decoders: BMP, PNM, PFM, Radiance HDR, Sun raster) on
// arbitrary bytes, chosen by the sniffed format as the worker chooses them. Each must decode
// or throw ProcessingError; a decoded picture respects the pixel limit and has a layout the
// pipeline reads (1, 3 or 4 channels; 8-bit, 16-bit or float).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/decoders/raster_decoders.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace pl = fotogal::pipeline;
using fotogal::formats::ImageFormat;

namespace {

// Small enough for fast runs, large enough for every seed.
constexpr std::uint64_t kMaxPixels = 1u << 20;

std::optional<pl::DecodedImage> decode(ImageFormat format, pl::Bytes bytes) {
    const pl::DecodeRequest request{0, 0, kMaxPixels};
    switch (format) {
        case ImageFormat::bmp:
            return pl::decode_bmp(bytes, request);
        case ImageFormat::pnm:
            return pl::decode_pnm(bytes, request);
        case ImageFormat::pfm:
            return pl::decode_pfm(bytes, request);
        case ImageFormat::hdr:
            return pl::decode_hdr(bytes, request);
        case ImageFormat::sunras:
            return pl::decode_sunras(bytes, request);
        default:
            return std::nullopt;
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const pl::Bytes bytes(data, size);
    const auto format = fotogal::formats::sniff_format(bytes);
    if (!format) return 0;
    try {
        const auto decoded = decode(*format, bytes);
        if (!decoded) return 0;
        const cv::Mat& px = decoded->pixels;
        if (px.empty() || px.total() > kMaxPixels) std::abort();
        const int channels = px.channels();
        if (channels != 1 && channels != 3 && channels != 4) std::abort();
        if (px.depth() != CV_8U && px.depth() != CV_16U && px.depth() != CV_32F) std::abort();
        if (decoded->colour.has_alpha != (channels == 4)) std::abort();
        if ((decoded->colour.model == pl::ColourModel::grey) != (channels == 1)) std::abort();
    } catch (const pl::ProcessingError& e) {
        if (e.code().empty()) std::abort();
    }
    return 0;
}
