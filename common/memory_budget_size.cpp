#include "common/memory_budget_size.hpp"

#include <unistd.h>

#include <algorithm>

#include "common/config.hpp"
#include "common/memory_budget.hpp"

namespace fotogal {

std::uint64_t derived_memory_budget(std::uint64_t limit_bytes) {
    if (limit_bytes <= kWorkerBaselineBytes) return kMinimumBudget;
    auto share = static_cast<std::uint64_t>(
        kImageShare * static_cast<double>(limit_bytes - kWorkerBaselineBytes));
    return std::max(kMinimumBudget, share);
}

std::uint64_t memory_budget_from_setting(const std::string& value, const CgroupLimits& limits,
                                         std::optional<std::uint64_t> physical_bytes) {
    if (value.empty() || value == "auto") {
        auto limit = limits.memory_bytes;
        if (physical_bytes && (!limit || *physical_bytes < *limit)) limit = physical_bytes;
        return limit ? derived_memory_budget(*limit) : 0;
    }
    try {
        return parse_byte_size(value);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(std::string("FOTOGAL_MEMORY_BUDGET: ") + e.what());
    }
}

std::optional<std::uint64_t> physical_memory_bytes() {
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    if (pages <= 0 || page <= 0) return std::nullopt;
    return static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page);
}

}  // namespace fotogal
