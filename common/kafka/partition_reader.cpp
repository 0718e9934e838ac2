#include "common/kafka/partition_reader.hpp"

#include <memory>
#include <stdexcept>

#include "common/kafka/topic_metadata.hpp"
#include "common/log.hpp"

namespace fotogal::kafka {

PartitionReader::PartitionReader(const KafkaSettings& settings, const std::string& group) {
    ConfPtr conf = make_conf(settings, {
                                           {"group.id", group},
                                           {"enable.auto.commit", "false"},
                                           {"enable.auto.offset.store", "false"},
                                           // Past the end of what retention keeps: start
                                           // from what is left rather than fail.
                                           {"auto.offset.reset", "earliest"},
                                           // Tells us a partition was read to its end.
                                           {"enable.partition.eof", "true"},
                                       });
    char err[512];
    rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err);
    if (!rk) throw ConfigError(std::string("cannot create Kafka consumer: ") + err);
    conf.release();
    rk_.reset(rk);
    rd_kafka_poll_set_consumer(rk);
}

PartitionReader::~PartitionReader() {
    close();
}

std::vector<std::int32_t> PartitionReader::partitions(const std::string& topic) {
    auto ids = topic_partitions(rk_.get(), topic, timeout_);
    if (!ids) throw ConfigError("topic " + topic + " does not exist on the broker");
    return *ids;
}

Watermarks PartitionReader::watermarks(const std::string& topic, std::int32_t partition) {
    Watermarks w;
    rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
        rk_.get(), topic.c_str(), partition, &w.low, &w.high, static_cast<int>(timeout_.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("cannot read the offsets of " + topic + " partition " +
                                 std::to_string(partition) + ": " + rd_kafka_err2str(err));
    return w;
}

std::vector<PartitionOffset> PartitionReader::offsets_for_time(
    const std::string& topic, const std::vector<std::int32_t>& partitions,
    std::int64_t unix_millis) {
    std::vector<PartitionOffset> query;
    for (auto p : partitions) query.push_back({topic, p, unix_millis});
    auto list = to_list(query);
    rd_kafka_resp_err_t err =
        rd_kafka_offsets_for_times(rk_.get(), list.get(), static_cast<int>(timeout_.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("the broker cannot look up offsets by time for " + topic + ": " +
                                 rd_kafka_err2str(err) +
                                 " (use --from-offsets or --backfill instead)");
    std::vector<PartitionOffset> out;
    for (int i = 0; i < list->cnt; ++i) {
        const auto& e = list->elems[i];
        if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("offset lookup by time for " + topic + " partition " +
                                     std::to_string(e.partition) + ": " + rd_kafka_err2str(e.err));
        out.push_back({topic, e.partition, e.offset});
    }
    return out;
}

void PartitionReader::assign(const std::vector<PartitionOffset>& starts) {
    auto list = to_list(starts);
    if (auto err = rd_kafka_assign(rk_.get(), list.get()))
        throw std::runtime_error(std::string("Kafka assign failed: ") + rd_kafka_err2str(err));
}

std::optional<Message> PartitionReader::poll(std::chrono::milliseconds timeout) {
    MessagePtr msg(rd_kafka_consumer_poll(rk_.get(), static_cast<int>(timeout.count())));
    if (!msg) return std::nullopt;
    return to_message(*msg);
}

void PartitionReader::commit(const std::vector<PartitionOffset>& positions) {
    if (positions.empty()) return;
    auto list = to_list(positions);
    // Synchronous: the group's recorded position is what an operator resumes from.
    if (auto err = rd_kafka_commit(rk_.get(), list.get(), 0))
        throw std::runtime_error(std::string("committing the replay position failed: ") +
                                 rd_kafka_err2str(err));
}

void PartitionReader::close() {
    if (closed_ || !rk_) return;
    closed_ = true;
    if (auto err = rd_kafka_consumer_close(rk_.get()))
        log::warn("kafka consumer close", {{"error", rd_kafka_err2str(err)}});
}

}  // namespace fotogal::kafka
