// Per-principal rate limits at the ingest edge: two token buckets per principal, one counting
// uploads and one counting upload bytes, each refilled at its rate up to its burst. A refused
// request learns how long to wait (the 429's Retry-After).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace fotogal::ingest::quotas {

// FOTOGAL_RATE_UPLOADS(_BURST), FOTOGAL_RATE_BYTES(_BURST). A rate <= 0 turns that limit off.
struct RateLimits {
    double uploads_per_second = 10;
    double uploads_burst = 20;
    double bytes_per_second = 100.0 * 1024 * 1024;
    double bytes_burst = 200.0 * 1024 * 1024;
};

class RateLimiter {
  public:
    using Clock = std::chrono::steady_clock;
    using Now = std::function<Clock::time_point()>;
    // The longest Retry-After given, also to a request that can never fit (more bytes than
    // the burst: the caller's 413, which must not turn into a client retrying forever).
    static constexpr std::chrono::seconds kMaxRetryAfter{60};

    // Throws ConfigError when a burst is below 1 upload or below 1 byte for an active limit.
    explicit RateLimiter(RateLimits limits, Now now = Clock::now);

    // nullopt: admitted, one upload and `bytes` taken from the principal's buckets. Otherwise
    // the seconds until the buckets hold enough (rounded up, 1..kMaxRetryAfter); nothing taken.
    std::optional<std::chrono::seconds> admit(std::string_view principal_id, std::uint64_t bytes);

    // Principals currently tracked (idle ones are dropped; see the .cpp).
    std::size_t tracked_principals();

  private:
    struct Buckets {
        double uploads = 0;
        double bytes = 0;
        Clock::time_point updated;
    };
    void refill(Buckets& b, Clock::time_point now) const;
    void evict_idle(Clock::time_point now);

    RateLimits limits_;
    Now now_;
    Clock::duration refill_time_;  // an idle principal's buckets are full again after this
    std::mutex mutex_;
    std::unordered_map<std::string, Buckets> principals_;
    Clock::time_point last_sweep_;
};

}  // namespace fotogal::ingest::quotas
