#include "workers/consumer_loop.hpp"

#include <thread>

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/retry.hpp"

namespace fotogal::worker {

namespace {

metrics::Gauge& assigned_gauge() {
    return metrics::gauge("fotogal_assigned_partitions", "partitions this worker consumes");
}

}  // namespace

ConsumerLoop::ConsumerLoop(const kafka::KafkaSettings& kafka, LoopSettings settings,
                           HandlerContext ctx)
    : settings_(std::move(settings)),
      ctx_(ctx),
      consumer_(kafka, settings_.group,
                {.assigned = [](const auto& parts) { assigned_gauge().add(double(parts.size())); },
                 .revoking = [this](const auto& parts) { on_revoking(parts); },
                 .committed =
                     [this](const auto& offsets) {
                         for (const auto& o : offsets)
                             tracker_.mark_committed({o.topic, o.partition}, o.offset);
                     }}) {}

void ConsumerLoop::on_revoking(const std::vector<kafka::PartitionOffset>& parts) {
    // Events are handled one at a time on this thread, and the callback runs inside poll(),
    // so nothing is in flight here: commit what is finished, then forget the partitions.
    commit_finished(true);
    for (const auto& p : parts) tracker_.forget({p.topic, p.partition});
    assigned_gauge().add(-double(parts.size()));
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

void ConsumerLoop::handle(kafka::MessagePtr msg) {
    IncomingMessage m{
        rd_kafka_topic_name(msg->rkt), msg->partition, msg->offset,
        msg->key ? std::string(static_cast<const char*>(msg->key), msg->key_len) : std::string(),
        msg->payload ? std::string(static_cast<const char*>(msg->payload), msg->len)
                     : std::string()};
    TopicPartition tp{m.topic, m.partition};
    tracker_.started(tp, m.offset);
    Backoff backoff({});
    constexpr int kAttemptsBeforeRequeue = 8;
    for (int attempt = 1;; ++attempt) {
        try {
            handle_message(ctx_, m);
            tracker_.finished(tp, m.offset);
            return;
        } catch (const TransientFailure& e) {
            metrics::counter("fotogal_event_retries_total",
                             "event attempts that failed transiently")
                .inc();
            if (stop_.stop_requested() || attempt >= kAttemptsBeforeRequeue) {
                // Left unfinished, so never committed: read again later (or by another
                // member after a rebalance), while this loop keeps polling the group.
                log::warn("event left for later", {{"offset", m.offset}, {"error", e.what()}});
                consumer_.seek(m.topic, m.partition, m.offset);
                return;
            }
            auto wait = backoff.next();
            log::warn("transient failure, retrying event",
                      {{"offset", m.offset}, {"error", e.what()}, {"retry_in_ms", wait.count()}});
            std::this_thread::sleep_for(wait);
        }
    }
}

void ConsumerLoop::run(std::stop_token stop) {
    stop_ = stop;
    consumer_.subscribe({settings_.topic});
    consuming_.store(true);
    log::info("worker consuming", {{"topic", settings_.topic}, {"group", settings_.group}});
    auto last_commit = std::chrono::steady_clock::now();
    while (!stop_.stop_requested()) {
        kafka::MessagePtr msg = consumer_.poll(std::chrono::milliseconds(200));
        if (msg && msg->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            handle(std::move(msg));
        } else if (msg && msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            log::warn("kafka consumer error", {{"error", rd_kafka_message_errstr(msg.get())}});
        }
        auto now = std::chrono::steady_clock::now();
        if (now - last_commit > std::chrono::milliseconds(500)) {
            commit_finished(false);
            last_commit = now;
        }
    }
    consuming_.store(false);
    commit_finished(true);
    consumer_.close();
    log::info("worker stopped, offsets committed, group left");
}

}  // namespace fotogal::worker
