// --rate N/s: a token bucket that paces publishing, so a replay of millions does not flood
// the reprocess topic (OCI Streaming allows 1 MB/s of writes per partition) or the workers.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string_view>

namespace fotogal::replay {

// "500", "500/s", "0" or "" (no limit). Throws ConfigError otherwise.
double parse_rate(std::string_view text);

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;
    // Waits until `until` or a stop request; returns false when stopped. Tests pass a fake.
    using SleepUntil = std::function<bool(Clock::time_point until, std::stop_token stop)>;
    using Now = std::function<Clock::time_point()>;

    // `per_second` <= 0 means unlimited. Bursts up to a tenth of a second's worth.
    explicit RateLimiter(double per_second, Now now = Clock::now, SleepUntil sleep = {});

    // Takes one token, waiting for it if needed; false when `stop` was requested meanwhile.
    bool acquire(std::stop_token stop);

  private:
    double rate_;
    double capacity_;
    double tokens_;
    Clock::time_point last_;
    Now now_;
    SleepUntil sleep_;
};

}  // namespace fotogal::replay
