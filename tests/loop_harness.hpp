// Runs the real ConsumerLoop on a thread against the mock cluster, with a RecordingHandler,
// and waits for conditions with a deadline while checking the commit invariant.
#pragma once

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <thread>

#include "kafka_mock.hpp"
#include "recording_handler.hpp"
#include "workers/consumer_loop.hpp"

namespace fotogal::test {

constexpr const char* kTopic = "events";
constexpr const char* kGroup = "workers";

class LoopRun {
  public:
    // The default budget is large enough that no test event runs out of it unless it says so.
    static constexpr worker::RetryBudget kPatient{1000, std::chrono::milliseconds(20),
                                                  std::chrono::milliseconds(200)};

    LoopRun(const MockCluster& cluster, RecordingHandler& handler, int concurrency,
            std::chrono::milliseconds grace = std::chrono::seconds(10),
            worker::RetryBudget budget = kPatient, const std::string& group = kGroup)
        : LoopRun(cluster, std::ref(handler), handler.dead_letter_handler(), concurrency, grace,
                  budget, group) {}
    LoopRun(const MockCluster& cluster, worker::MessageHandler handler,
            worker::DeadLetterHandler dead_letter, int concurrency,
            std::chrono::milliseconds grace = std::chrono::seconds(10),
            worker::RetryBudget budget = kPatient, const std::string& group = kGroup)
        : loop_(cluster.settings(),
                {.topic = kTopic,
                 .group = group,
                 .concurrency = concurrency,
                 .grace = grace,
                 .commit_interval = std::chrono::milliseconds(100),
                 .retry = budget},
                std::move(handler), std::move(dead_letter)),
          thread_([this] { abandoned_ = loop_.run(stop_.get_token()); }) {}
    ~LoopRun() { stop(); }

    // Stops the loop and waits until it committed and left the group.
    std::size_t stop() {
        stop_.request_stop();
        if (thread_.joinable()) thread_.join();
        return abandoned_;
    }
    const worker::ConsumerLoop& loop() const { return loop_; }

  private:
    worker::ConsumerLoop loop_;
    std::stop_source stop_;
    std::size_t abandoned_ = 0;
    std::thread thread_;
};

// Polls `done` until true or the deadline, checking after each round that the group's
// committed offsets never pass unfinished work. Returns whether `done` became true.
inline bool wait_checking(const MockCluster& cluster, const RecordingHandler& handler,
                          int partitions, std::chrono::seconds timeout,
                          const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        handler.check_committed(cluster.committed(kGroup, kTopic, partitions));
        if (done()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
}

// True when the group committed exactly the end offset of every partition.
inline bool all_committed(const MockCluster& cluster, int partitions) {
    return cluster.committed(kGroup, kTopic, partitions) == cluster.end_offsets(kTopic, partitions);
}

}  // namespace fotogal::test
