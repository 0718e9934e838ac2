#include <doctest/doctest.h>

#include <fstream>

#include "common/cgroup_limits.hpp"
#include "common/config.hpp"
#include "common/memory_budget_size.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
namespace fs = std::filesystem;

namespace {

void write(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
}

}  // namespace

TEST_CASE("cgroup v2: memory.max and cpu.max give the limits") {
    test::TempDir root;
    write(root.path() / "cgroup.controllers", "cpu memory\n");
    write(root.path() / "memory.max", "3221225472\n");
    write(root.path() / "cpu.max", "150000 100000\n");
    CgroupLimits l = read_cgroup_limits(root.path());
    REQUIRE(l.memory_bytes);
    CHECK(*l.memory_bytes == 3221225472ull);
    REQUIRE(l.cpus);
    CHECK(*l.cpus == doctest::Approx(1.5));
    CHECK(default_concurrency(l, 64) == 2);  // 1.5 CPUs round up, not the node's 64 cores
    CHECK(usable_cpus(l, 64) == 2);
}

TEST_CASE("cgroup v2: \"max\" means no limit, and the node's cores are the default") {
    test::TempDir root;
    write(root.path() / "cgroup.controllers", "cpu memory\n");
    write(root.path() / "memory.max", "max\n");
    write(root.path() / "cpu.max", "max 100000\n");
    CgroupLimits l = read_cgroup_limits(root.path());
    CHECK_FALSE(l.memory_bytes);
    CHECK_FALSE(l.cpus);
    CHECK(default_concurrency(l, 12) == 12);
}

TEST_CASE("cgroup v1: limit_in_bytes and cfs quota/period, -1 and the huge number mean none") {
    test::TempDir root;
    write(root.path() / "memory" / "memory.limit_in_bytes", "536870912\n");
    write(root.path() / "cpu" / "cpu.cfs_quota_us", "400000\n");
    write(root.path() / "cpu" / "cpu.cfs_period_us", "100000\n");
    CgroupLimits l = read_cgroup_limits(root.path());
    REQUIRE(l.memory_bytes);
    CHECK(*l.memory_bytes == 536870912ull);
    REQUIRE(l.cpus);
    CHECK(*l.cpus == doctest::Approx(4.0));
    CHECK(default_concurrency(l, 32) == 4);
    CHECK(default_concurrency(l, 2) == 2);  // a quota above the cores cannot be used

    write(root.path() / "memory" / "memory.limit_in_bytes", "9223372036854771712\n");
    write(root.path() / "cpu" / "cpu.cfs_quota_us", "-1\n");
    CgroupLimits none = read_cgroup_limits(root.path());
    CHECK_FALSE(none.memory_bytes);
    CHECK_FALSE(none.cpus);
}

TEST_CASE("cgroup: a missing or garbled tree means no limits, never an exception") {
    test::TempDir root;
    CgroupLimits empty = read_cgroup_limits(root.path() / "absent");
    CHECK_FALSE(empty.memory_bytes);
    CHECK_FALSE(empty.cpus);
    write(root.path() / "cgroup.controllers", "");
    write(root.path() / "memory.max", "lots\n");
    write(root.path() / "cpu.max", "-5 0\n");
    CgroupLimits garbled = read_cgroup_limits(root.path());
    CHECK_FALSE(garbled.memory_bytes);
    CHECK_FALSE(garbled.cpus);
    CHECK(default_concurrency(garbled, 0) == 1);
}

TEST_CASE("memory budget setting: derived from the limit, a size, or off") {
    CgroupLimits pod{3ull << 30, 2.0};
    // 80% of (3 GiB - 192 MiB) = 2304 MiB.
    CHECK(memory_budget_from_setting("", pod, 24ull << 30) == 2304ull << 20);
    CHECK(memory_budget_from_setting("auto", pod, 24ull << 30) == 2304ull << 20);
    // No cgroup limit: the machine's RAM is the limit.
    CHECK(memory_budget_from_setting("auto", {}, 1ull << 30) == derived_memory_budget(1ull << 30));
    CHECK(derived_memory_budget(100ull << 20) == kMinimumBudget);
    CHECK(memory_budget_from_setting("512MiB", pod, {}) == 512ull << 20);
    CHECK(memory_budget_from_setting("2G", pod, {}) == 2ull << 30);
    CHECK(memory_budget_from_setting("123456", pod, {}) == 123456u);
    CHECK(memory_budget_from_setting("0", pod, {}) == 0u);
    CHECK_THROWS_AS(memory_budget_from_setting("512 potatoes", pod, {}), ConfigError);
    CHECK_THROWS_AS(memory_budget_from_setting("-1", pod, {}), ConfigError);
    CHECK_THROWS_AS(memory_budget_from_setting("99999999999999999999G", pod, {}), ConfigError);
}
