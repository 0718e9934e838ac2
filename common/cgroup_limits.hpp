// The container's own limits, as the kernel enforces them: the memory limit (an allocation
// past it gets the process OOM-killed) and the CPU quota (threads past it are throttled).
// A pod sees the node's cores and RAM through sysconf and /proc; only the cgroup files tell
// what it may actually use. cgroup v2 first (memory.max, cpu.max), v1 as a fallback.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

namespace fotogal {

struct CgroupLimits {
    std::optional<std::uint64_t> memory_bytes;  // none: unlimited ("max") or not found
    std::optional<double> cpus;                 // quota / period; none: no quota
};

// Reads the limits under `root` (normally /sys/fs/cgroup; tests pass a fake tree):
// v2 `memory.max` and `cpu.max` ("quota period" or "max period"), else v1
// `memory/memory.limit_in_bytes` (or `memory.limit_in_bytes` in root) and
// `cpu/cpu.cfs_quota_us` + `cpu.cfs_period_us` (-1 = no quota). Unreadable or
// nonsensical files count as "no limit"; this never throws.
CgroupLimits read_cgroup_limits(const std::filesystem::path& root = "/sys/fs/cgroup");

// Events the worker handles at once by default: the CPU quota rounded up (a 1.5-CPU pod
// gets 2, so a short pause on I/O does not leave a CPU idle), else `hardware_cores`.
int default_concurrency(const CgroupLimits& limits, unsigned hardware_cores);

// The CPUs this process may use: the quota rounded up when there is one, else the cores.
int usable_cpus(const CgroupLimits& limits, unsigned hardware_cores);

}  // namespace fotogal
