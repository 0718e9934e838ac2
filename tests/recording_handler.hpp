// A stand-in for the image handler in consumer-loop tests: records every event it finishes,
// can be slow, fail transiently a given number of times, fail as poison, or hold an event
// until released; records the dead letters the retry layer writes; and the checks that go with
// it (nothing lost, nothing committed past work that is neither finished nor dead-lettered).
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
#include <vector>

#include "common/errors.hpp"
#include "workers/event_retries.hpp"

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

    // Every attempt at that event throws a poison Error.
    void poison(int partition, std::int64_t offset) {
        std::lock_guard lock(mutex_);
        poison_.insert({partition, offset});
    }
    // The next `times` dead letters fail to be written (the DLQ broker refusing).
    void fail_dead_letters(int times) {
        std::lock_guard lock(mutex_);
        dead_letter_failures_ = times;
    }

    // The DeadLetterHandler side.
    void dead_letter(const worker::IncomingMessage& m, const Error& last,
                     const worker::AttemptHistory& history) {
        std::lock_guard lock(mutex_);
        ++dead_letter_attempts_;
        if (dead_letter_failures_ > 0) {
            --dead_letter_failures_;
            throw Error(ErrorKind::transient, "broker_unavailable", "dead-letter topic refused");
        }
        dead_letters_[{m.partition, m.offset}].push_back({last.code(), history.size()});
    }
    worker::DeadLetterHandler dead_letter_handler() {
        return [this](const worker::IncomingMessage& m, const Error& last,
                      const worker::AttemptHistory& history) { dead_letter(m, last, history); };
    }

    void operator()(const worker::IncomingMessage& m) {
        Key key{m.partition, m.offset};
        {
            std::unique_lock lock(mutex_);
            ++running_;
            max_running_ = std::max(max_running_, running_);
            attempts_[key]++;
            if (poison_.contains(key)) {
                --running_;
                throw Error(ErrorKind::poison, "test_poison", "poison injected by the test");
            }
            if (held_ == key && !released_) {
                if (fail_while_held_) {
                    --running_;
                    throw Error(ErrorKind::transient, "test_held", "held by the test");
                }
                cv_.wait(lock, [this] { return released_; });
            }
            if (auto it = failures_.find(key); it != failures_.end() && it->second > 0) {
                --it->second;
                --running_;
                throw Error(ErrorKind::transient, "test_transient", "injected transient failure");
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
    struct DeadLetterSeen {
        std::string code;
        std::size_t attempts;  // length of the attempt history it carried
    };
    std::vector<DeadLetterSeen> dead_letters(int partition, std::int64_t offset) const {
        std::lock_guard lock(mutex_);
        auto it = dead_letters_.find({partition, offset});
        return it == dead_letters_.end() ? std::vector<DeadLetterSeen>{} : it->second;
    }
    std::size_t dead_lettered_events() const {
        std::lock_guard lock(mutex_);
        return dead_letters_.size();
    }
    int dead_letter_attempts() const {
        std::lock_guard lock(mutex_);
        return dead_letter_attempts_;
    }
    // Finished or dead-lettered: nothing more will happen to these events.
    std::size_t distinct_settled() const {
        std::lock_guard lock(mutex_);
        std::set<Key> all;
        for (const auto& [k, _] : finished_) all.insert(k);
        for (const auto& [k, _] : dead_letters_) all.insert(k);
        return all.size();
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
                if (!finished_.contains({partition, o}) &&
                    !dead_letters_.contains({partition, o})) {
                    FAIL_CHECK("partition " << partition << " committed " << offset
                                            << " past unfinished offset " << o);
                    return;
                }
    }

  private:
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::map<Key, int> finished_, attempts_, failures_;
    std::set<Key> poison_;
    std::map<Key, std::vector<DeadLetterSeen>> dead_letters_;
    int dead_letter_failures_ = 0, dead_letter_attempts_ = 0;
    std::optional<Key> held_;
    bool fail_while_held_ = false;
    bool released_ = true;
    int running_ = 0, max_running_ = 0;
};

}  // namespace fotogal::test
