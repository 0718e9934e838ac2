#include "ingest/quotas/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

#include "common/config.hpp"

namespace fotogal::ingest::quotas {

namespace {

using Seconds = std::chrono::duration<double>;

bool active(double rate) {
    return rate > 0;
}

// Time to refill from `have` to `need` at `rate` per second.
double wait_for(double have, double need, double rate) {
    return have >= need ? 0.0 : (need - have) / rate;
}

}  // namespace

RateLimiter::RateLimiter(RateLimits limits, Now now) : limits_(limits), now_(std::move(now)) {
    if (active(limits_.uploads_per_second) && limits_.uploads_burst < 1)
        throw ConfigError("FOTOGAL_RATE_UPLOADS_BURST must be at least 1");
    if (active(limits_.bytes_per_second) && limits_.bytes_burst < 1)
        throw ConfigError("FOTOGAL_RATE_BYTES_BURST must be at least 1");
    double seconds = 0;
    if (active(limits_.uploads_per_second))
        seconds = std::max(seconds, limits_.uploads_burst / limits_.uploads_per_second);
    if (active(limits_.bytes_per_second))
        seconds = std::max(seconds, limits_.bytes_burst / limits_.bytes_per_second);
    refill_time_ = std::chrono::ceil<Clock::duration>(Seconds(std::max(seconds, 1.0)));
    last_sweep_ = now_();
}

void RateLimiter::refill(Buckets& b, Clock::time_point now) const {
    double elapsed = std::max(0.0, Seconds(now - b.updated).count());
    b.uploads = std::min(limits_.uploads_burst, b.uploads + elapsed * limits_.uploads_per_second);
    b.bytes = std::min(limits_.bytes_burst, b.bytes + elapsed * limits_.bytes_per_second);
    b.updated = std::max(now, b.updated);
}

// A principal idle for refill_time_ has both buckets full: dropping it and starting it afresh
// (full) next time is the same thing, so memory holds only recently active principals.
// Swept at most once per refill_time_, which keeps the cost per request constant on average.
void RateLimiter::evict_idle(Clock::time_point now) {
    if (now - last_sweep_ < refill_time_) return;
    last_sweep_ = now;
    std::erase_if(principals_,
                  [&](const auto& entry) { return now - entry.second.updated >= refill_time_; });
}

std::optional<std::chrono::seconds> RateLimiter::admit(std::string_view principal_id,
                                                       std::uint64_t bytes) {
    bool count_uploads = active(limits_.uploads_per_second);
    bool count_bytes = active(limits_.bytes_per_second);
    if (!count_uploads && !count_bytes) return std::nullopt;
    std::lock_guard lock(mutex_);
    auto now = now_();
    evict_idle(now);
    auto [it, fresh] = principals_.try_emplace(std::string(principal_id));
    Buckets& b = it->second;
    if (fresh) b = {limits_.uploads_burst, limits_.bytes_burst, now};
    refill(b, now);
    auto size = static_cast<double>(bytes);
    if (count_bytes && size > limits_.bytes_burst) return kMaxRetryAfter;
    bool uploads_ok = !count_uploads || b.uploads >= 1;
    bool bytes_ok = !count_bytes || b.bytes >= size;
    if (uploads_ok && bytes_ok) {
        if (count_uploads) b.uploads -= 1;
        if (count_bytes) b.bytes -= size;
        return std::nullopt;
    }
    double wait = 0;
    if (count_uploads) wait = wait_for(b.uploads, 1, limits_.uploads_per_second);
    if (count_bytes) wait = std::max(wait, wait_for(b.bytes, size, limits_.bytes_per_second));
    auto seconds = static_cast<std::int64_t>(std::ceil(wait));
    return std::chrono::seconds(std::clamp<std::int64_t>(seconds, 1, kMaxRetryAfter.count()));
}

std::size_t RateLimiter::tracked_principals() {
    std::lock_guard lock(mutex_);
    return principals_.size();
}

}  // namespace fotogal::ingest::quotas
