#include <doctest/doctest.h>

#include "common/config.hpp"
#include "replay/rate_limiter.hpp"

using namespace fotogal;
using namespace fotogal::replay;
using Clock = RateLimiter::Clock;

TEST_CASE("rate: parsed from N or N/s, and 0 means no limit") {
    CHECK(parse_rate("500") == 500);
    CHECK(parse_rate("2.5/s") == 2.5);
    CHECK(parse_rate("0") == 0);
    CHECK(parse_rate("") == 0);
    for (auto bad : {"fast", "-1", "5/m", "1e99"}) CHECK_THROWS_AS(parse_rate(bad), ConfigError);
}

TEST_CASE("rate limiter: 100/s lets 1000 events through in about 10 s of (fake) time") {
    Clock::time_point now{};
    const Clock::time_point start = now;
    int sleeps = 0;
    RateLimiter limiter(
        100, [&] { return now; },
        [&](Clock::time_point until, std::stop_token) {
            ++sleeps;
            now = std::max(now, until);
            return true;
        });
    for (int i = 0; i < 1000; ++i) REQUIRE(limiter.acquire({}));
    double seconds = std::chrono::duration<double>(now - start).count();
    // The first tenth of a second's worth (10 events) goes at once (the bucket starts full);
    // each of the other 990 waits exactly once, 10 ms.
    CHECK(seconds == doctest::Approx(9.9).epsilon(1e-6));
    CHECK(sleeps == 990);
}

TEST_CASE("rate limiter: a stop request ends the wait") {
    Clock::time_point now{};
    std::stop_source stop;
    RateLimiter limiter(
        1, [&] { return now; }, [&](Clock::time_point, std::stop_token) { return false; });
    CHECK(limiter.acquire(stop.get_token()));        // the one token it starts with
    CHECK_FALSE(limiter.acquire(stop.get_token()));  // would have to wait: stopped instead
    RateLimiter unlimited(0);
    stop.request_stop();
    CHECK_FALSE(unlimited.acquire(stop.get_token()));
}
