#include "common/cgroup_limits.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>

namespace fotogal {

namespace {

namespace fs = std::filesystem;

std::optional<std::string> first_line(const fs::path& file) {
    std::ifstream in(file);
    std::string line;
    if (!in || !std::getline(in, line)) return std::nullopt;
    return line;
}

std::optional<std::uint64_t> to_u64(const std::string& text) {
    try {
        std::size_t used = 0;
        unsigned long long v = std::stoull(text, &used);
        if (used == 0 || text.front() == '-') return std::nullopt;
        return static_cast<std::uint64_t>(v);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// v1 reports "no limit" as a huge page-aligned number (LONG_MAX rounded down to a page);
// anything at or above 2^62 bytes is that, not a real limit.
constexpr std::uint64_t kUnlimitedV1 = std::uint64_t{1} << 62;

std::optional<std::uint64_t> memory_v2(const fs::path& root) {
    auto line = first_line(root / "memory.max");
    if (!line || *line == "max") return std::nullopt;
    auto v = to_u64(*line);
    if (!v || *v == 0) return std::nullopt;
    return v;
}

std::optional<std::uint64_t> memory_v1(const fs::path& root) {
    for (const auto& file :
         {root / "memory" / "memory.limit_in_bytes", root / "memory.limit_in_bytes"}) {
        auto line = first_line(file);
        if (!line) continue;
        auto v = to_u64(*line);
        if (!v || *v == 0 || *v >= kUnlimitedV1) return std::nullopt;
        return v;
    }
    return std::nullopt;
}

std::optional<double> quota(long long quota_us, long long period_us) {
    if (quota_us <= 0 || period_us <= 0) return std::nullopt;
    return static_cast<double>(quota_us) / static_cast<double>(period_us);
}

std::optional<double> cpu_v2(const fs::path& root) {
    auto line = first_line(root / "cpu.max");
    if (!line) return std::nullopt;
    std::istringstream in(*line);
    std::string q;
    long long period = 0;
    if (!(in >> q >> period) || q == "max") return std::nullopt;
    auto v = to_u64(q);
    if (!v || *v > static_cast<std::uint64_t>(std::numeric_limits<long long>::max()))
        return std::nullopt;
    return quota(static_cast<long long>(*v), period);
}

std::optional<long long> to_ll(const std::optional<std::string>& line) {
    if (!line) return std::nullopt;
    try {
        return std::stoll(*line);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<double> cpu_v1(const fs::path& root) {
    for (const auto& dir : {root / "cpu", root / "cpu,cpuacct", root}) {
        auto q = to_ll(first_line(dir / "cpu.cfs_quota_us"));
        auto p = to_ll(first_line(dir / "cpu.cfs_period_us"));
        if (q && p) return quota(*q, *p);
    }
    return std::nullopt;
}

}  // namespace

CgroupLimits read_cgroup_limits(const fs::path& root) {
    CgroupLimits limits;
    // A v2 hierarchy has cgroup.controllers at its root; its absence means v1 (or none).
    bool v2 = fs::exists(root / "cgroup.controllers") || fs::exists(root / "memory.max") ||
              fs::exists(root / "cpu.max");
    limits.memory_bytes = v2 ? memory_v2(root) : memory_v1(root);
    limits.cpus = v2 ? cpu_v2(root) : cpu_v1(root);
    return limits;
}

int usable_cpus(const CgroupLimits& limits, unsigned hardware_cores) {
    int cores = static_cast<int>(std::max(1u, hardware_cores));
    if (!limits.cpus) return cores;
    // A quota above the node's cores cannot be used either.
    return std::clamp(static_cast<int>(std::ceil(*limits.cpus - 1e-9)), 1, cores);
}

int default_concurrency(const CgroupLimits& limits, unsigned hardware_cores) {
    return usable_cpus(limits, hardware_cores);
}

}  // namespace fotogal
