// What ingest checks on an upload body before accepting it (ingest/upload_validation): every
// body is accepted with a believable header or refused with a 4xx and a stable code.
// (Multipart framing and body reading are fuzzed by fuzz_http_request.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <variant>

#include "ingest/upload_validation.hpp"

namespace in = fotogal::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Small limits so that the limit paths are reached with small inputs too.
    const in::UploadLimits limits{.max_bytes = 1 << 20, .max_pixels = 4'000'000};
    auto result = in::validate_upload(std::span<const std::uint8_t>(data, size), limits);
    if (const auto* error = std::get_if<in::ApiError>(&result)) {
        if (error->status < 400 || error->status > 499 || error->code.empty() ||
            error->message.empty())
            std::abort();
    } else {
        const auto& header = std::get<fotogal::formats::ImageHeader>(result);
        if (size > limits.max_bytes ||
            std::uint64_t{header.width} * header.height > limits.max_pixels)
            std::abort();  // accepted past a limit
    }
    return 0;
}
