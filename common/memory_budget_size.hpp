// How large the worker's memory budget for image work is (FOTOGAL_MEMORY_BUDGET).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/cgroup_limits.hpp"

namespace fotogal {

// What the process needs besides images: code and libraries (OpenCV, libheif, librdkafka),
// librdkafka's fetch queues, the face cascades, the HTTP server, thread stacks. An idle
// worker measures about 90 MiB resident; twice that leaves room for the queues to fill.
inline constexpr std::uint64_t kWorkerBaselineBytes = 192ull << 20;
// Of what remains, the share images may reserve: the rest absorbs the allocator's
// fragmentation (freed buffers it keeps for reuse) and estimates that fall short.
inline constexpr double kImageShare = 0.8;
// Below this a worker could not process an ordinary photo at all.
inline constexpr std::uint64_t kMinimumBudget = 64ull << 20;

// The budget for a process whose memory limit is `limit_bytes`:
// max(kMinimumBudget, kImageShare * (limit - kWorkerBaselineBytes)).
std::uint64_t derived_memory_budget(std::uint64_t limit_bytes);

// FOTOGAL_MEMORY_BUDGET's value: "" or "auto" derives it from the cgroup memory limit (else
// from the machine's RAM), "0" turns admission off, anything else is a size ("512MiB",
// "536870912"). Throws ConfigError naming the setting on a bad value.
std::uint64_t memory_budget_from_setting(const std::string& value, const CgroupLimits& limits,
                                         std::optional<std::uint64_t> physical_bytes);

// The machine's RAM (sysconf), if it can be read.
std::optional<std::uint64_t> physical_memory_bytes();

}  // namespace fotogal
