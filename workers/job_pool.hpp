// A fixed set of threads that run the worker's events, several at a time, and hand each
// result back to the consumer loop, which alone touches Kafka and the offset bookkeeping.
// The loop bounds what it submits (busy() < threads), so the pool's queue stays short.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/errors.hpp"
#include "workers/offset_tracker.hpp"

namespace fotogal::worker {

struct JobDone {
    TopicPartition tp;
    std::int64_t offset = 0;
    std::uint64_t generation = 0;  // of the partition's assignment when the job started
    std::uint64_t id = 0;          // the loop's number for this job (readiness bookkeeping)
    bool finished = false;         // done or dead-lettered: its offset may be committed
    std::optional<Error> fatal;    // the worker must stop
};

class JobPool {
  public:
    // `on_done` runs on the job's thread after each job (e.g. to wake the consumer loop).
    JobPool(int threads, std::function<void()> on_done);
    // Waits for every submitted job to end.
    ~JobPool();
    JobPool(const JobPool&) = delete;
    JobPool& operator=(const JobPool&) = delete;

    void submit(std::function<JobDone()> job);
    // Jobs submitted whose result was not yet taken.
    std::size_t busy() const;
    // Every result available now, waiting up to `timeout` for the first one.
    std::vector<JobDone> take_done(std::chrono::milliseconds timeout);

  private:
    void work(std::stop_token stop);

    std::function<void()> on_done_;
    mutable std::mutex mutex_;
    std::condition_variable_any queued_cv_;
    std::condition_variable done_cv_;
    std::deque<std::function<JobDone()>> queue_;
    std::vector<JobDone> done_;
    std::size_t busy_ = 0;
    std::vector<std::jthread> threads_;  // last: they use the members above
};

}  // namespace fotogal::worker
