// The image decoders (workers/pipeline/decoders/: libpng, libwebp, libtiff, OpenJPEG, giflib,
// libjpeg-turbo) through decode_image, on whatever the header probe accepts, as a worker runs
// them. Contract: a picture of the probed size or a ProcessingError; any other exception, a
// crash or a sanitizer report is a bug. The pixel cap keeps each run small.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/decoders/decoder.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fmt = fotogal::formats;
namespace pl = fotogal::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    std::optional<fmt::ImageHeader> header;
    try {
        header = fmt::probe_header(bytes);
    } catch (const fmt::InvalidHeader&) {
        return 0;
    }
    // HEIF goes through libheif and its codecs, fuzzed by their own projects.
    if (!header || header->format == fmt::ImageFormat::heic ||
        header->format == fmt::ImageFormat::avif)
        return 0;
    constexpr std::uint64_t kMaxPixels = 4'000'000;
    try {
        auto decoded = pl::decode_image(header->format, bytes, {0, 0, kMaxPixels});
        if (decoded.pixels.empty() || decoded.pixels.total() > kMaxPixels) std::abort();
    } catch (const pl::ProcessingError& e) {
        if (e.code().empty() || std::string(e.what()).empty()) std::abort();
    }
    return 0;
}
