#include "workers/pipeline/memory_admission.hpp"

#include "common/formats/image_header.hpp"
#include "common/metrics.hpp"
#include "workers/pipeline/memory_estimate.hpp"
#include "workers/pipeline/pixel_layout.hpp"
#include "workers/pipeline/processing_error.hpp"

namespace fotogal::pipeline {

std::uint64_t admission_bytes(std::span<const std::uint8_t> input, const Recipe& recipe) {
    std::optional<formats::ImageHeader> header;
    try {
        header = formats::probe_header(input);
    } catch (const formats::InvalidHeader&) {
    }
    std::uint64_t pixels = header ? std::uint64_t{header->width} * header->height : 0;
    if (!header || input.size() > recipe.limits.max_bytes || pixels > recipe.limits.max_pixels)
        return input.size() + kPerImageOverhead;
    return estimate_memory(*header, pixel_layout(*header, input), recipe, input.size()).total;
}

MemoryBudget::Reservation admit(MemoryBudget& budget, std::span<const std::uint8_t> input,
                                const Recipe& recipe, std::stop_token stop) {
    std::uint64_t bytes = admission_bytes(input, recipe);
    static metrics::Gauge& waiting = metrics::gauge("fotogal_memory_admission_waiting",
                                                    "images waiting for room in the memory budget");
    waiting.add(1);
    try {
        auto reservation = budget.acquire(bytes, stop);
        waiting.add(-1);
        return reservation;
    } catch (const OverBudget& e) {
        waiting.add(-1);
        throw ProcessingError("over_memory_budget",
                              std::string(e.what()) +
                                  "; a worker with a larger FOTOGAL_MEMORY_BUDGET (or memory "
                                  "limit) can process it");
    } catch (...) {
        waiting.add(-1);
        throw;
    }
}

}  // namespace fotogal::pipeline
