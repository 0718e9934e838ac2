// Retrying transient failures with exponential backoff and decorrelated jitter
// (sleep = min(cap, random(base, 3 * previous sleep))), so many workers hitting the same
// struggling service do not retry in lockstep.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <random>
#include <stop_token>
#include <string_view>

#include "common/log.hpp"
#include "common/shutdown_signal.hpp"
#include "common/storage/object_store.hpp"

namespace fotogal {

struct RetryPolicy {
    int max_attempts = 6;
    std::chrono::milliseconds base{100};
    std::chrono::milliseconds cap{5000};
};

class Backoff {
  public:
    explicit Backoff(RetryPolicy policy) : policy_(policy), sleep_(policy.base) {}
    std::chrono::milliseconds next() {
        thread_local std::mt19937_64 rng{std::random_device{}()};
        auto hi = std::max<long long>(policy_.base.count() + 1, sleep_.count() * 3);
        std::uniform_int_distribution<long long> pick(policy_.base.count(), hi);
        sleep_ = std::min(policy_.cap, std::chrono::milliseconds(pick(rng)));
        return sleep_;
    }

  private:
    RetryPolicy policy_;
    std::chrono::milliseconds sleep_;
};

// Runs `op`; on a transient StorageError waits and tries again, up to max_attempts. The
// last error (or any permanent one) is rethrown to the caller. For a program's one retry
// layer around a storage call (ingest's upload, the backfill's listing); the stores themselves
// retry only when their URL asks for it (`retries=`). A stop request ends a wait at once and
// rethrows the last error.
template <typename Op>
auto with_storage_retries(std::string_view what, Op&& op, RetryPolicy policy = {},
                          std::stop_token stop = {}) {
    Backoff backoff(policy);
    for (int attempt = 1;; ++attempt) {
        try {
            return op();
        } catch (const storage::StorageError& e) {
            if (!e.transient() || attempt >= policy.max_attempts || stop.stop_requested()) throw;
            auto wait = backoff.next();
            log::warn("transient storage error, retrying", {{"operation", what},
                                                            {"error", e.what()},
                                                            {"attempt", attempt},
                                                            {"retry_in_ms", wait.count()}});
            if (wait_for_stop(stop, wait)) throw;
        }
    }
}

}  // namespace fotogal
