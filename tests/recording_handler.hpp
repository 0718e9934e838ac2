// A stand-in for the image handler in consumer-loop tests: records every event it finishes,
// can be slow, fail transiently a given number of times, or hold an event until released;
// and the checks that go with it (nothing lost, nothing committed past unfinished work).
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "workers/image_event_handler.hpp"

namespace fotogal::test {

class RecordingHandler {
  public:
    using Key = std::pair<int, std::int64_t>;  // partition, offset

    std::chrono::milliseconds delay{0};

    void fail_times(int partition, std::int64_t offset, int times) {
        std::lock_guard lock(mutex_);
        failures_[{partition, offset}] = times;
    }
    // That event's attempts wait until release() (or return transiently failing when
    // `fail_while_held`, so the loop's retry and abandon paths are exercised).
    void hold(int partition, std::int64_t offset, bool fail_while_held = false) {
        std::lock_guard lock(mutex_);
        held_ = Key{partition, offset};
        fail_while_held_ = fail_while_held;
        released_ = false;
    }
    void release() {
        {
            std::lock_guard lock(mutex_);
            released_ = true;
        }
        cv_.notify_all();
    }

    void operator()(const worker::IncomingMessage& m) {
        Key key{m.partition, m.offset};
        {
            std::unique_lock lock(mutex_);
            ++running_;
            max_running_ = std::max(max_running_, running_);
            attempts_[key]++;
            if (held_ == key && !released_) {
                if (fail_while_held_) {
                    --running_;
                    throw worker::TransientFailure("held by the test");
                }
                cv_.wait(lock, [this] { return released_; });
            }
            if (auto it = failures_.find(key); it != failures_.end() && it->second > 0) {
                --it->second;
                --running_;
                throw worker::TransientFailure("injected transient failure");
            }
        }
        if (delay.count() > 0) std::this_thread::sleep_for(delay);  // simulated work
        std::lock_guard lock(mutex_);
        --running_;
        finished_[key]++;
    }

    std::size_t distinct_finished() const {
        std::lock_guard lock(mutex_);
        return finished_.size();
    }
    std::size_t repeats() const {
        std::lock_guard lock(mutex_);
        std::size_t n = 0;
        for (const auto& [_, count] : finished_) n += count - 1;
        return n;
    }
    bool finished(int partition, std::int64_t offset) const {
        std::lock_guard lock(mutex_);
        return finished_.contains({partition, offset});
    }
    int attempts(int partition, std::int64_t offset) const {
        std::lock_guard lock(mutex_);
        auto it = attempts_.find({partition, offset});
        return it == attempts_.end() ? 0 : it->second;
    }
    int max_running() const {
        std::lock_guard lock(mutex_);
        return max_running_;
    }

    // Everything below a committed offset was finished before the commit: no offset may be
    // committed past work that is not done.
    void check_committed(const std::map<int, std::int64_t>& committed) const {
        std::lock_guard lock(mutex_);
        for (const auto& [partition, offset] : committed)
            for (std::int64_t o = 0; o < offset; ++o)
                if (!finished_.contains({partition, o})) {
                    FAIL_CHECK("partition " << partition << " committed " << offset
                                            << " past unfinished offset " << o);
                    return;
                }
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::map<Key, int> finished_, attempts_, failures_;
    std::optional<Key> held_;
    bool fail_while_held_ = false;
    bool released_ = true;
    int running_ = 0, max_running_ = 0;
};

}  // namespace fotogal::test
