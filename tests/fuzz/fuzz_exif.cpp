// EXIF reading (workers/pipeline/exif_reader) through its public entry point, on whatever
// EXIF range the header probe finds in arbitrary bytes (JPEG APP1, PNG eXIf, WebP EXIF,
// TIFF). The orientation must always come out as 1..8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <span>

#include "common/formats/image_header.hpp"
#include "workers/pipeline/exif_reader.hpp"

namespace fmt = fotogal::formats;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    try {
        auto header = fmt::probe_header(bytes);
        if (!header || !header->exif) return 0;
        auto facts = fotogal::pipeline::read_exif(bytes, *header);
        if (facts.orientation < 1 || facts.orientation > 8) std::abort();
        if (!facts.fields.is_object()) std::abort();
        // Camera strings are not always UTF-8 (regressions/fuzz_exif/exif-string-not-utf8.bin):
        // the reader must clean them, or the manifest could not be written (strict dump()).
        (void)facts.fields.dump();
    } catch (const fmt::InvalidHeader&) {
    }
    return 0;
}
