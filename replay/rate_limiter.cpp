#include "replay/rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "common/config.hpp"
#include "common/shutdown_signal.hpp"

namespace fotogal::replay {

double parse_rate(std::string_view text) {
    std::string_view number = text;
    if (number.ends_with("/s")) number.remove_suffix(2);
    if (number.empty()) return 0;
    std::string copy(number);
    char* end = nullptr;
    double value = std::strtod(copy.c_str(), &end);
    if (end != copy.c_str() + copy.size() || !std::isfinite(value) || value < 0 || value > 1e7)
        throw ConfigError(
            "--rate must be events per second like 500 or 500/s (0: no limit), got '" +
            std::string(text) + "'");
    return value;
}

RateLimiter::RateLimiter(double per_second, Now now, SleepUntil sleep)
    : rate_(per_second),
      capacity_(std::max(1.0, per_second / 10)),
      tokens_(capacity_),
      now_(std::move(now)),
      sleep_(std::move(sleep)) {
    last_ = now_();
    if (!sleep_)
        sleep_ = [](Clock::time_point until, std::stop_token stop) {
            auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now());
            if (wait.count() <= 0) return !stop.stop_requested();
            return !wait_for_stop(stop, wait);
        };
}

bool RateLimiter::acquire(std::stop_token stop) {
    if (rate_ <= 0) return !stop.stop_requested();
    for (;;) {
        auto now = now_();
        double elapsed = std::chrono::duration<double>(now - last_).count();
        tokens_ = std::min(capacity_, tokens_ + elapsed * rate_);
        last_ = now;
        // The tolerance absorbs floating-point rounding, so one wait of the computed length
        // always earns the token (rounded up to the clock's tick, never down).
        if (tokens_ >= 1 - 1e-9) {
            tokens_ = std::max(0.0, tokens_ - 1);
            return true;
        }
        auto wait = std::chrono::duration<double>((1 - tokens_) / rate_);
        if (!sleep_(now + std::chrono::ceil<Clock::duration>(wait), stop)) return false;
    }
}

}  // namespace fotogal::replay
