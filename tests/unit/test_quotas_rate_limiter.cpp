#include <doctest/doctest.h>

#include "common/config.hpp"
#include "ingest/quotas/rate_limiter.hpp"

using namespace fotogal;
using namespace fotogal::ingest::quotas;
using Clock = RateLimiter::Clock;
using std::chrono::seconds;

namespace {

constexpr std::uint64_t kMiB = 1024 * 1024;

struct FakeClock {
    Clock::time_point now{};
    RateLimiter::Now fn() {
        return [this] { return now; };
    }
};

}  // namespace

TEST_CASE("quotas rate: a burst of uploads, then 429 with a Retry-After that works") {
    FakeClock clock;
    RateLimiter limiter(RateLimits{10, 20, 0, 0}, clock.fn());  // 10/s, burst 20, bytes off
    for (int i = 0; i < 20; ++i) REQUIRE_FALSE(limiter.admit("alice", 100'000));
    auto retry = limiter.admit("alice", 100'000);
    REQUIRE(retry);
    CHECK(*retry == seconds(1));  // one token takes 0.1 s; Retry-After is whole seconds, >= 1
    clock.now += std::chrono::milliseconds(50);
    CHECK(limiter.admit("alice", 100'000));  // still refused, nothing taken
    clock.now += *retry;
    CHECK_FALSE(limiter.admit("alice", 100'000));
    // 9.5 tokens left after that one; a second more refills 10 (10/s): 19 whole ones.
    clock.now += seconds(1);
    int admitted = 0;
    while (!limiter.admit("alice", 1)) ++admitted;
    CHECK(admitted == 19);
}

TEST_CASE("quotas rate: principals are isolated") {
    FakeClock clock;
    RateLimiter limiter(RateLimits{1, 2, 0, 0}, clock.fn());
    CHECK_FALSE(limiter.admit("alice", 1));
    CHECK_FALSE(limiter.admit("alice", 1));
    CHECK(limiter.admit("alice", 1));
    CHECK_FALSE(limiter.admit("bob", 1));  // alice's exhaustion is not bob's
    CHECK_FALSE(limiter.admit("bob", 1));
    CHECK(limiter.admit("bob", 1));
}

TEST_CASE("quotas rate: the bytes bucket limits large uploads; Retry-After covers the bytes") {
    FakeClock clock;
    RateLimiter limiter(RateLimits{}, clock.fn());  // the defaults: 100 MiB/s, burst 200 MiB
    CHECK_FALSE(limiter.admit("alice", 150 * kMiB));
    auto retry = limiter.admit("alice", 150 * kMiB);  // 50 MiB left, 100 MiB short: 1 s
    REQUIRE(retry);
    CHECK(*retry == seconds(1));
    CHECK_FALSE(limiter.admit("alice", 50 * kMiB));  // what is left still fits
    retry = limiter.admit("alice", 150 * kMiB);      // 0 left: 1.5 s, rounded up
    REQUIRE(retry);
    CHECK(*retry == seconds(2));
    clock.now += *retry;
    CHECK_FALSE(limiter.admit("alice", 150 * kMiB));
    // More bytes than the burst can never fit: a capped answer, not an endless loop.
    auto never = limiter.admit("bob", 201 * kMiB);
    REQUIRE(never);
    CHECK(*never == RateLimiter::kMaxRetryAfter);
}

TEST_CASE("quotas rate: idle principals are forgotten, so memory stays bounded") {
    FakeClock clock;
    RateLimiter limiter(RateLimits{10, 20, 0, 0}, clock.fn());  // refilled after 2 s
    for (int i = 0; i < 1000; ++i) limiter.admit("user-" + std::to_string(i), 1);
    CHECK(limiter.tracked_principals() == 1000);
    clock.now += seconds(3);
    CHECK_FALSE(limiter.admit("fresh", 1));
    CHECK(limiter.tracked_principals() == 1);
    // A forgotten principal starts with a full burst, as it would have had anyway.
    for (int i = 0; i < 20; ++i) CHECK_FALSE(limiter.admit("user-0", 1));
    CHECK(limiter.admit("user-0", 1));
}

TEST_CASE("quotas rate: a zero rate turns a limit off; a burst below one is refused") {
    FakeClock clock;
    RateLimiter unlimited(RateLimits{0, 0, 0, 0}, clock.fn());
    for (int i = 0; i < 1000; ++i) REQUIRE_FALSE(unlimited.admit("alice", 1 << 30));
    CHECK_THROWS_AS(RateLimiter(RateLimits{10, 0.5, 0, 0}), ConfigError);
}
