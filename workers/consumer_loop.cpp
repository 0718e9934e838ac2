#include "workers/consumer_loop.hpp"

#include <algorithm>

#include "common/events/event_trace.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "workers/consumer_lag.hpp"

namespace fotogal::worker {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

metrics::Gauge& assigned_gauge() {
    return metrics::gauge("fotogal_assigned_partitions", "partitions this worker consumes");
}

metrics::Gauge& in_flight_gauge() {
    return metrics::gauge("fotogal_events_in_flight", "events being handled by this worker");
}

metrics::Gauge& waiting_gauge() {
    return metrics::gauge("fotogal_events_waiting",
                          "events polled and queued for a free slot, not started yet");
}

milliseconds until(Clock::time_point deadline) {
    return std::max(milliseconds(0),
                    std::chrono::duration_cast<milliseconds>(deadline - Clock::now()));
}

IncomingMessage to_incoming(kafka::Message&& msg) {
    return {std::move(msg.topic), msg.partition,        msg.offset,
            std::move(msg.key),   std::move(msg.value), msg.timestamp_ms};
}

}  // namespace

ConsumerLoop::ConsumerLoop(const kafka::KafkaSettings& kafka, LoopSettings settings,
                           MessageHandler handler, DeadLetterHandler dead_letter)
    : settings_(std::move(settings)),
      handler_(std::move(handler)),
      dead_letter_(std::move(dead_letter)),
      consumer_(kafka, settings_.group,
                {.assigned = [this](const auto& parts) { on_assigned(parts); },
                 .revoking = [this](const auto& parts) { on_revoking(parts); },
                 .committed =
                     [this](const auto& offsets) {
                         // A late confirmation for a partition no longer ours is stale.
                         for (const auto& o : offsets)
                             if (assigned_.contains({o.topic, o.partition}))
                                 tracker_.mark_committed({o.topic, o.partition}, o.offset);
                     }}),
      pool_(std::max(1, settings_.concurrency), [this] { consumer_.wake(); }) {
    settings_.concurrency = std::max(1, settings_.concurrency);
    if (settings_.max_waiting == 0)
        settings_.max_waiting = std::max<std::size_t>(8, 2 * std::size_t(settings_.concurrency));
}

ConsumerLoop::~ConsumerLoop() {
    try {
        consumer_.close();  // no-op after run(); otherwise revokes (commits) with all alive
    } catch (const std::exception& e) {
        log::error("closing the consumer failed", {{"error", e.what()}});
    }
}

bool ConsumerLoop::stuck(milliseconds threshold) const {
    std::lock_guard lock(started_mutex_);
    auto now = Clock::now();
    for (const auto& [_, since] : started_)
        if (now - since > threshold) return true;
    return false;
}

std::vector<kafka::PartitionOffset> ConsumerLoop::assignment() const {
    std::vector<kafka::PartitionOffset> parts;
    for (const auto& [tp, _] : assigned_) parts.push_back({tp.topic, tp.partition, 0});
    return parts;
}

void ConsumerLoop::on_assigned(const std::vector<kafka::PartitionOffset>& parts) {
    for (const auto& p : parts) assigned_[{p.topic, p.partition}].generation = next_generation_++;
    // New partitions start unpaused (and are assigned only after this hook returns), so the
    // next apply_flow() brings the whole assignment to one state again.
    flow_dirty_ = true;
    assigned_gauge().set(double(assigned_.size()));
}

// Runs inside poll(), before the partitions go away. Events of these partitions waiting for a
// slot are dropped (never started, so nothing is committed past them); retrying ones are
// abandoned at once (the next owner retries them); running attempts get until the deadline.
void ConsumerLoop::on_revoking(const std::vector<kafka::PartitionOffset>& parts) {
    std::vector<TopicPartition> revoked;
    for (const auto& p : parts) revoked.push_back({p.topic, p.partition});
    auto deadline = stopping_ ? stop_deadline_ : Clock::now() + settings_.grace;
    std::erase_if(waiting_, [&](const Waiting& w) {
        return std::ranges::count(revoked, TopicPartition{w.message.topic, w.message.partition});
    });
    for (const auto& tp : revoked)
        if (auto it = assigned_.find(tp); it != assigned_.end()) it->second.abandon.request_stop();
    auto running = [&] {
        std::size_t n = 0;
        for (const auto& tp : revoked)
            if (auto it = assigned_.find(tp); it != assigned_.end()) n += it->second.running;
        return n;
    };
    while (running() > 0 && Clock::now() < deadline)
        collect(std::min(milliseconds(50), until(deadline)));
    if (auto left = running())
        log::warn("revoked with unfinished events; they will be delivered again",
                  {{"events", left}});
    commit_finished(true);
    for (const auto& tp : revoked) {
        tracker_.forget(tp);
        assigned_.erase(tp);
    }
    assigned_gauge().set(double(assigned_.size()));
}

void ConsumerLoop::start(IncomingMessage m, Assigned& partition) {
    TopicPartition tp{m.topic, m.partition};
    tracker_.started(tp, m.offset);
    ++partition.running;
    std::size_t busy = pool_.busy() + 1;
    if (busy > max_in_flight_.load()) max_in_flight_.store(busy);
    in_flight_gauge().add(1);
    m.abandon = partition.abandon.get_token();  // ends a wait for the memory budget
    std::uint64_t id = next_job_++;
    {
        std::lock_guard lock(started_mutex_);
        started_[id] = Clock::now();
    }
    pool_.submit([this, m = std::move(m), tp, id, generation = partition.generation,
                  abandon = partition.abandon.get_token()]() mutable {
        // Read on the job's thread: the poll thread only dispatches.
        m.trace = events::continue_trace_of_event(m.value);
        auto r = handle_with_retries(handler_, dead_letter_, m, abandon, settings_.retry);
        bool done = r.result == Attempts::finished || r.result == Attempts::dead_lettered;
        return JobDone{tp, m.offset, generation, id, done, std::move(r.fatal)};
    });
}

void ConsumerLoop::dispatch(IncomingMessage m) {
    auto it = assigned_.find({m.topic, m.partition});
    if (it == assigned_.end()) return;  // not ours any more; never started, never committed
    if (waiting_.empty() && pool_.busy() < std::size_t(settings_.concurrency))
        start(std::move(m), it->second);
    else
        waiting_.push_back({std::move(m), it->second.generation});
}

void ConsumerLoop::start_waiting() {
    while (!stopping_ && !waiting_.empty() && pool_.busy() < std::size_t(settings_.concurrency)) {
        Waiting w = std::move(waiting_.front());
        waiting_.pop_front();
        auto it = assigned_.find({w.message.topic, w.message.partition});
        if (it != assigned_.end() && it->second.generation == w.generation)
            start(std::move(w.message), it->second);
    }
}

void ConsumerLoop::collect(milliseconds wait) {
    for (const JobDone& done : pool_.take_done(wait)) {
        in_flight_gauge().add(-1);
        {
            std::lock_guard lock(started_mutex_);
            started_.erase(done.id);
        }
        if (done.fatal && !fatal_) fatal_ = done.fatal;
        auto it = assigned_.find(done.tp);
        // A result from an earlier assignment of the partition must not touch the current
        // bookkeeping: its offset may be running again, here or elsewhere.
        if (it == assigned_.end() || it->second.generation != done.generation) continue;
        --it->second.running;
        if (done.finished) tracker_.finished(done.tp, done.offset);
    }
}

// Backpressure: with every slot busy and max_waiting events polled, stop fetching rather than
// buffer more; resume at half of it, early enough that the next fetch overlaps the rest.
void ConsumerLoop::apply_flow() {
    bool full = stopping_ || waiting_.size() >= settings_.max_waiting;
    bool room = !stopping_ && waiting_.size() <= settings_.max_waiting / 2;
    waiting_gauge().set(double(waiting_.size()));
    if (full) {
        if (!paused_ || flow_dirty_) consumer_.pause(assignment());
        paused_ = true;
    } else if (room && paused_) {
        consumer_.resume(assignment());
        paused_ = false;
    } else if (flow_dirty_ && paused_) {
        consumer_.pause(assignment());  // newly assigned partitions join the paused state
    }
    // Newly assigned partitions start unpaused; they are never resumed while unpaused, because
    // librdkafka restarts a resumed partition's fetch from the last message poll() returned,
    // and what it had already fetched would then be delivered a second time.
    flow_dirty_ = false;
}

void ConsumerLoop::commit_finished(bool synchronous) {
    auto ready = tracker_.all_committable();
    if (ready.empty()) return;
    std::vector<kafka::PartitionOffset> offsets;
    for (const auto& [tp, offset] : ready) offsets.push_back({tp.topic, tp.partition, offset});
    try {
        // An asynchronous commit is marked done only when the coordinator confirms it
        // (RebalanceHooks::committed); until then the next round commits it again.
        consumer_.commit(offsets, synchronous);
        if (synchronous)
            for (const auto& [tp, offset] : ready) tracker_.mark_committed(tp, offset);
    } catch (const std::exception& e) {
        // Not fatal: the work is done and idempotent; the next commit covers it.
        log::warn("offset commit failed", {{"error", e.what()}});
    }
}

std::size_t ConsumerLoop::run(std::stop_token stop) {
    consumer_.subscribe({settings_.topic});
    consuming_.store(true);
    log::info("worker consuming", {{"topic", settings_.topic},
                                   {"group", settings_.group},
                                   {"concurrency", settings_.concurrency}});
    auto last_commit = Clock::now();
    std::optional<ConsumerLag> lag(std::in_place, consumer_);  // reports until fetching stops
    while (!stop.stop_requested() && !fatal_) {
        apply_flow();
        auto msg = consumer_.poll(milliseconds(200));
        if (msg && msg->status == kafka::Message::Status::ok) {
            if (!stop.stop_requested()) dispatch(to_incoming(std::move(*msg)));
        } else if (msg && msg->status == kafka::Message::Status::error) {
            log::warn("kafka consumer error", {{"error", msg->error}});
        }
        collect(milliseconds(0));
        start_waiting();
        if (Clock::now() - last_commit > settings_.commit_interval) {
            commit_finished(false);
            last_commit = Clock::now();
        }
    }

    // Stop fetching; what waits for a slot was never started and is left to the next owner,
    // and so are events waiting to retry (abandon ends their wait at once). Running attempts
    // get the grace period.
    lag.reset();
    stopping_ = true;
    stop_deadline_ = Clock::now() + settings_.grace;
    waiting_.clear();
    for (auto& [_, partition] : assigned_) partition.abandon.request_stop();
    apply_flow();
    log::info("stopping: finishing in-flight events",
              {{"events", pool_.busy()}, {"grace_ms", settings_.grace.count()}});
    while (pool_.busy() > 0 && Clock::now() < stop_deadline_) {
        consumer_.poll(std::min(milliseconds(100), until(stop_deadline_)));  // serve callbacks
        collect(milliseconds(0));
    }
    std::size_t abandoned = pool_.busy();
    if (abandoned > 0) {
        // Attempts still running are left behind unfinished, so their offsets stay
        // uncommitted and the group's next owner handles them.
        log::error("shutdown grace period over; abandoning in-flight events",
                   {{"events", abandoned}, {"grace_ms", settings_.grace.count()}});
    }
    commit_finished(true);
    consuming_.store(false);
    consumer_.close();  // revokes (commits again) and leaves the group
    log::info("worker stopped, offsets committed, group left", {{"abandoned", abandoned}});
    if (fatal_) throw *fatal_;
    return abandoned;
}

}  // namespace fotogal::worker
