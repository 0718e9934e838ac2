// Admission before the pipeline: an image's estimated peak memory (memory_estimate.hpp) is
// reserved from the process's budget before a pixel is decoded, and held until the image's
// buffers are gone. The one call the worker's handler and fotogal-process make around
// run_pipeline.
#pragma once

#include <cstdint>
#include <span>
#include <stop_token>

#include "common/memory_budget.hpp"
#include "workers/pipeline/recipe.hpp"

namespace fotogal::pipeline {

// The bytes to reserve for `input` under `recipe`. Files the pipeline will refuse before
// decoding (no known format, a broken header, over the recipe's byte or pixel limits) need
// only their own bytes: the sniff and limits steps then fail them with their own reason.
std::uint64_t admission_bytes(std::span<const std::uint8_t> input, const Recipe& recipe);

// Reserves admission_bytes from `budget`, waiting for room (first come, first served).
// Throws ProcessingError("over_memory_budget", "needs ~1.2 GiB to process, the worker's
// budget is 512 MiB") when the image alone exceeds the budget (a permanent failure), and
// AdmissionInterrupted when `stop` is requested while waiting (the event is not done: it
// must be delivered again). Declare the reservation before the Job so it outlives the
// job's buffers.
MemoryBudget::Reservation admit(MemoryBudget& budget, std::span<const std::uint8_t> input,
                                const Recipe& recipe, std::stop_token stop = {});

}  // namespace fotogal::pipeline
