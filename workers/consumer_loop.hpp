// The worker's consumption loop. Several events are handled at once on a JobPool (bounded by
// `concurrency`); a few more wait polled (bounded by `max_waiting`), and past that the loop
// pauses its partitions instead of buffering further, resuming them as work finishes. Offsets are
// committed per partition only up to the lowest unfinished event (OffsetTracker). On revoke,
// in-flight work of the revoked partitions is finished (or, past the grace period, abandoned)
// before their offsets are committed. On stop: fetching stops, events waiting to retry are
// abandoned at once, running ones get the grace period, finished work is committed and the
// consumer leaves the group, so the others rebalance at once. Each event is tried within the
// retry budget (event_retries.hpp) and then dead-lettered, so no event holds its partition
// forever; one in flight beyond the stuck threshold makes stuck() true (for /readyz).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "common/kafka/consumer.hpp"
#include "workers/event_retries.hpp"
#include "workers/job_pool.hpp"
#include "workers/offset_tracker.hpp"

namespace fotogal::worker {

struct LoopSettings {
    std::string topic;
    std::string group;
    int concurrency = 1;                             // events in flight at most
    std::chrono::milliseconds grace{20000};          // to finish in-flight work on stop / revoke
    std::chrono::milliseconds commit_interval{500};  // asynchronous commits of finished work
    // Events polled but not started yet, at most; fetching pauses at this many and resumes at
    // half of it, so a pause/resume cycle (which costs a fetch round trip) covers many events.
    // 0: max(8, 2 * concurrency). Events are a few KiB, so this bound is small.
    std::size_t max_waiting = 0;
    RetryBudget retry;
};

class ConsumerLoop {
  public:
    // `handler` and `dead_letter` run on pool threads, up to `concurrency` at once: they must
    // be thread-safe.
    ConsumerLoop(const kafka::KafkaSettings& kafka, LoopSettings settings, MessageHandler handler,
                 DeadLetterHandler dead_letter);
    // Leaves the group first (its revoke hook needs the pool and the bookkeeping), also when
    // run() ended by an exception.
    ~ConsumerLoop();
    ConsumerLoop(const ConsumerLoop&) = delete;
    ConsumerLoop& operator=(const ConsumerLoop&) = delete;
    // Runs until `stop` is requested, then shuts down as described above. Returns how many
    // events were abandoned unfinished (still running when the grace period ended); their
    // threads are still busy, so a caller with abandoned work should exit the process rather
    // than destroy the loop. Throws the Error when an event met a fatal one (after the same
    // orderly shutdown).
    std::size_t run(std::stop_token stop);
    // True while an event has been in flight (running or waiting to retry) longer than
    // `threshold`: the budget should have ended it, so something hangs.
    bool stuck(std::chrono::milliseconds threshold) const;
    // Subscribed and polling. A member with no partition (more workers than partitions) is
    // still ready: it takes over when another leaves.
    bool consuming() const { return consuming_.load(); }
    // The most events that were ever in flight at once (for tests and the metrics).
    std::size_t max_in_flight() const { return max_in_flight_.load(); }

  private:
    struct Assigned {
        std::uint64_t generation = 0;  // tells results of an earlier assignment apart
        std::stop_source abandon;      // stops retrying this partition's events
        std::size_t running = 0;       // submitted and not yet collected
    };
    struct Waiting {
        IncomingMessage message;
        std::uint64_t generation;
    };

    void on_assigned(const std::vector<kafka::PartitionOffset>& parts);
    void on_revoking(const std::vector<kafka::PartitionOffset>& parts);
    void dispatch(IncomingMessage message);
    void start_waiting();
    void start(IncomingMessage message, Assigned& partition);
    void collect(std::chrono::milliseconds wait);
    void apply_flow();
    void commit_finished(bool synchronous);
    std::vector<kafka::PartitionOffset> assignment() const;

    LoopSettings settings_;
    MessageHandler handler_;
    DeadLetterHandler dead_letter_;
    OffsetTracker tracker_;
    std::map<TopicPartition, Assigned> assigned_;
    std::deque<Waiting> waiting_;  // polled, not started yet; at most about max_waiting
    std::uint64_t next_generation_ = 1;
    bool paused_ = false;
    bool flow_dirty_ = false;  // the assignment changed since apply_flow()
    bool stopping_ = false;
    std::chrono::steady_clock::time_point stop_deadline_;
    std::atomic<bool> consuming_{false};
    std::atomic<std::size_t> max_in_flight_{0};
    std::optional<Error> fatal_;
    std::uint64_t next_job_ = 1;
    mutable std::mutex started_mutex_;  // started_ is read by the HTTP thread
    std::map<std::uint64_t, std::chrono::steady_clock::time_point> started_;
    // The consumer's callbacks use the members above, so it comes after them; the pool comes
    // last, so it is destroyed first (its threads wake consumer_ until they end). The
    // destructor closes consumer_ before either goes.
    kafka::Consumer consumer_;
    JobPool pool_;
};

}  // namespace fotogal::worker
