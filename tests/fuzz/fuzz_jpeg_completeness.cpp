// The JPEG marker walk that refuses cut-off files (workers/pipeline/jpeg_completeness): it
// reads lengths from the file itself, so it must stay inside the buffer for any bytes.
#include <cstddef>
#include <cstdint>
#include <span>

#include "workers/pipeline/jpeg_completeness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    (void)fotogal::pipeline::jpeg_is_complete(std::span<const std::uint8_t>(data, size));
    return 0;
}
