#include "common/formats/image_header.hpp"
#include "workers/pipeline/processing_error.hpp"
#include "workers/pipeline/steps/steps.hpp"

namespace fotogal::pipeline::steps {

void sniff(Job& job) {
    if (job.input.empty()) throw ProcessingError("empty", "the original is empty (0 bytes)");
    try {
        job.header = formats::probe_header(job.input);
    } catch (const formats::InvalidHeader& e) {
        throw ProcessingError("invalid_header", e.what());
    }
    if (!job.header)
        throw ProcessingError("unsupported_format",
                              "the file's first bytes match no supported image format");
}

}  // namespace fotogal::pipeline::steps
