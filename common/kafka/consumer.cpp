#include "common/kafka/consumer.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <utility>

#include "common/log.hpp"

namespace fotogal::kafka {

Consumer::Consumer(const KafkaSettings& settings, const std::string& group, RebalanceHooks hooks)
    : hooks_(std::move(hooks)) {
    ConfPtr conf = make_conf(
        settings,
        {
            {"group.id", group},
            // Offsets are committed by the worker, only up to fully finished work.
            {"enable.auto.commit", "false"},
            {"enable.auto.offset.store", "false"},
            {"auto.offset.reset", "earliest"},
            // Incremental rebalancing: a scale event revokes only the partitions that move,
            // so the other members' in-flight work and commits carry on undisturbed. Every
            // member must use the same strategy; name it rather than rely on defaults.
            {"partition.assignment.strategy", "cooperative-sticky"},
            // The worker bounds its own in-flight work and pauses partitions when full;
            // keep librdkafka's prefetch small too (events are a few KiB), so a paused or
            // revoked partition does not leave megabytes fetched for nothing.
            {"queued.min.messages", "1000"},
            {"queued.max.messages.kbytes", "4096"},
            // A resumed partition is fetched again after this back-off (librdkafka: 500 ms).
            {"fetch.error.backoff.ms", "100"},
            // A worker killed without LeaveGroup (OOM kill, node loss) holds its partitions
            // until its session expires, and the rebalance waits for it: 10 s rather
            // than librdkafka's 45 s. Heartbeats come from librdkafka's own thread, so a
            // long image does not miss them; one per second stays far below OCI's limit.
            {"session.timeout.ms", "10000"},
            {"heartbeat.interval.ms", "1000"},
        });
    rd_kafka_conf_set_rebalance_cb(conf.get(), &Consumer::on_rebalance);
    rd_kafka_conf_set_offset_commit_cb(conf.get(), &Consumer::on_commit);
    rd_kafka_conf_set_opaque(conf.get(), this);
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
    if (!rk) throw ConfigError(std::string("cannot create Kafka consumer: ") + err);
    conf.release();
    rk_.reset(rk);
    rd_kafka_poll_set_consumer(rk);
    queue_.reset(rd_kafka_queue_get_consumer(rk));
}

Consumer::~Consumer() {
    close();
}

// librdkafka calls back from C: nothing may unwind through it. A failed hook is kept and
// rethrown by poll(), once librdkafka has returned.
void Consumer::on_commit(rd_kafka_t*, rd_kafka_resp_err_t err,
                         rd_kafka_topic_partition_list_t* offsets, void* opaque) {
    auto* self = static_cast<Consumer*>(opaque);
    try {
        if (!offsets || !self->hooks_.committed) return;
        std::vector<PartitionOffset> confirmed;
        for (int i = 0; i < offsets->cnt; ++i)
            if (offsets->elems[i].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
                offsets->elems[i].offset >= 0)
                confirmed.push_back({offsets->elems[i].topic, offsets->elems[i].partition,
                                     offsets->elems[i].offset});
        if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
            log::debug("offset commit not confirmed", {{"error", rd_kafka_err2str(err)}});
        if (!confirmed.empty()) self->hooks_.committed(confirmed);
    } catch (...) {
        if (!self->hook_failure_) self->hook_failure_ = std::current_exception();
    }
}

void Consumer::on_rebalance(rd_kafka_t*, rd_kafka_resp_err_t err,
                            rd_kafka_topic_partition_list_t* parts, void* opaque) {
    static_cast<Consumer*>(opaque)->rebalance(err, parts);
}

void Consumer::rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts) {
    bool assign = err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS;
    try {
        auto parts_vec = to_vector(parts);
        log::info(
            assign ? "partitions assigned" : "partitions revoked",
            {{"count", parts->cnt}, {"lost", !assign && rd_kafka_assignment_lost(rk_.get())}});
        if (assign && hooks_.assigned) hooks_.assigned(parts_vec);
        if (!assign && hooks_.revoking) hooks_.revoking(parts_vec);
    } catch (...) {
        if (!hook_failure_) hook_failure_ = std::current_exception();
    }
    // The (un)assignment itself always completes, or the group would wait for this member.
    // The protocol is cooperative unless a user's pass-through property chose an eager
    // strategy; NULL while closing.
    const char* protocol = rd_kafka_rebalance_protocol(rk_.get());
    rd_kafka_error_t* error = nullptr;
    if (protocol && std::strcmp(protocol, "COOPERATIVE") == 0)
        error = assign ? rd_kafka_incremental_assign(rk_.get(), parts)
                       : rd_kafka_incremental_unassign(rk_.get(), parts);
    else
        rd_kafka_assign(rk_.get(), assign ? parts : nullptr);
    if (error) {
        log::warn("kafka (un)assignment failed", {{"error", rd_kafka_error_string(error)}});
        rd_kafka_error_destroy(error);
    }
}

void Consumer::subscribe(const std::vector<std::string>& topics) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& t : topics)
        rd_kafka_topic_partition_list_add(list.get(), t.c_str(), RD_KAFKA_PARTITION_UA);
    if (auto err = rd_kafka_subscribe(rk_.get(), list.get()))
        throw std::runtime_error(std::string("Kafka subscribe failed: ") + rd_kafka_err2str(err));
}

std::optional<Message> Consumer::poll(std::chrono::milliseconds timeout) {
    MessagePtr msg(rd_kafka_consumer_poll(rk_.get(), static_cast<int>(timeout.count())));
    if (hook_failure_) std::rethrow_exception(std::exchange(hook_failure_, nullptr));
    if (!msg) return std::nullopt;
    return to_message(*msg);
}

void Consumer::commit(const std::vector<PartitionOffset>& offsets, bool synchronous) {
    if (offsets.empty()) return;
    auto list = to_list(offsets);
    rd_kafka_resp_err_t err = rd_kafka_commit(rk_.get(), list.get(), synchronous ? 0 : 1);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error(std::string("Kafka offset commit failed: ") +
                                 rd_kafka_err2str(err));
}

void Consumer::pause(const std::vector<PartitionOffset>& parts) {
    if (parts.empty()) return;
    auto list = to_list(parts);
    if (auto err = rd_kafka_pause_partitions(rk_.get(), list.get()))
        log::warn("kafka pause failed", {{"error", rd_kafka_err2str(err)}});
}

void Consumer::resume(const std::vector<PartitionOffset>& parts) {
    if (parts.empty()) return;
    auto list = to_list(parts);
    if (auto err = rd_kafka_resume_partitions(rk_.get(), list.get()))
        log::warn("kafka resume failed", {{"error", rd_kafka_err2str(err)}});
}

std::optional<std::vector<PartitionOffset>> Consumer::lag(std::chrono::milliseconds timeout) {
    rd_kafka_topic_partition_list_t* raw = nullptr;
    if (rd_kafka_assignment(rk_.get(), &raw) != RD_KAFKA_RESP_ERR_NO_ERROR) return std::nullopt;
    PartitionListPtr parts(raw);
    std::vector<PartitionOffset> out;
    if (parts->cnt == 0) return out;
    int ms = static_cast<int>(timeout.count());
    if (rd_kafka_committed(rk_.get(), parts.get(), ms)) return std::nullopt;
    for (int i = 0; i < parts->cnt; ++i) {
        const auto& p = parts->elems[i];
        std::int64_t low = 0, high = 0;
        if (rd_kafka_query_watermark_offsets(rk_.get(), p.topic, p.partition, &low, &high, ms))
            continue;
        std::int64_t committed = p.offset >= 0 ? p.offset : low;  // none: auto.offset.reset
        out.push_back({p.topic, p.partition, std::max<std::int64_t>(0, high - committed)});
    }
    return out;
}

void Consumer::wake() {
    if (queue_) rd_kafka_queue_yield(queue_.get());
}

void Consumer::close() {
    if (closed_ || !rk_) return;
    closed_ = true;
    if (auto err = rd_kafka_consumer_close(rk_.get()))
        log::warn("kafka consumer close", {{"error", rd_kafka_err2str(err)}});
}

}  // namespace fotogal::kafka
