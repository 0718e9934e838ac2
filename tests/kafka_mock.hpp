// librdkafka's mock cluster for fault-injection tests (in process, no JVM): topics, a quick
// bulk producer, the group's committed offsets and the partitions' end offsets.
#pragma once

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "common/kafka/kafka_settings.hpp"

namespace fotogal::test {

// Kafka protocol API keys (librdkafka keeps its own list private).
enum ApiKey : std::int16_t {
    kProduce = 0,
    kFetch = 1,
    kOffsetCommit = 8,
    kOffsetFetch = 9,
    kFindCoordinator = 10,
    kJoinGroup = 11,
    kHeartbeat = 12,
    kSyncGroup = 14,
};

class MockCluster {
  public:
    explicit MockCluster(int brokers) {
        kafka::ConfPtr conf(rd_kafka_conf_new());
        kafka::set_property(conf.get(), "log_level", "0");
        char err[512];
        rk_.reset(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
        if (!rk_) throw std::runtime_error(err);
        conf.release();
        mc_ = rd_kafka_mock_cluster_new(rk_.get(), brokers);
        if (!mc_) throw std::runtime_error("cannot start the mock cluster");
        bootstrap_ = rd_kafka_mock_cluster_bootstraps(mc_);
    }
    ~MockCluster() { rd_kafka_mock_cluster_destroy(mc_); }
    MockCluster(const MockCluster&) = delete;
    MockCluster& operator=(const MockCluster&) = delete;

    rd_kafka_mock_cluster_t* get() const { return mc_; }
    const std::string& bootstrap() const { return bootstrap_; }

    void create_topic(const std::string& topic, int partitions) {
        if (auto e = rd_kafka_mock_topic_create(mc_, topic.c_str(), partitions, 1))
            throw std::runtime_error(rd_kafka_err2str(e));
    }

    // Settings for the code under test: short sessions so a member that vanished without
    // LeaveGroup does not hold the group for librdkafka's default 45 s.
    kafka::KafkaSettings settings() const {
        kafka::KafkaSettings s;
        s.brokers = bootstrap_;
        s.extra = {
            {"session.timeout.ms", "6000"}, {"heartbeat.interval.ms", "300"}, {"log_level", "3"}};
        return s;
    }

    // `count` messages, keys "k<i>", values "v<i>", spread over the partitions by key.
    void produce(const std::string& topic, int count, int first = 0) {
        std::vector<std::pair<std::string, std::string>> records;
        for (int i = first; i < first + count; ++i)
            records.emplace_back("k" + std::to_string(i), "v" + std::to_string(i));
        produce_records(topic, records);
    }

    // These key/value records in order, to `partition` (RD_KAFKA_PARTITION_UA: by key).
    void produce_records(const std::string& topic,
                         const std::vector<std::pair<std::string, std::string>>& records,
                         std::int32_t partition = RD_KAFKA_PARTITION_UA) {
        kafka::ConfPtr conf(rd_kafka_conf_new());
        kafka::set_property(conf.get(), "bootstrap.servers", bootstrap_);
        kafka::set_property(conf.get(), "log_level", "3");
        char err[512];
        kafka::HandlePtr p(rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), err, sizeof err));
        if (!p) throw std::runtime_error(err);
        conf.release();
        for (const auto& [key, value] : records) {
            while (rd_kafka_producev(
                       p.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
                       RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                       RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                       RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                       RD_KAFKA_V_END) == RD_KAFKA_RESP_ERR__QUEUE_FULL)
                rd_kafka_poll(p.get(), 10);
        }
        if (rd_kafka_flush(p.get(), 30000) != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("test producer could not flush");
    }

    // partition -> committed offset of `group` (-1: none), asked with a member that never joins.
    std::map<int, std::int64_t> committed(const std::string& group, const std::string& topic,
                                          int partitions) const {
        auto rk = client(group);
        auto* list = rd_kafka_topic_partition_list_new(partitions);
        for (int p = 0; p < partitions; ++p)
            rd_kafka_topic_partition_list_add(list, topic.c_str(), p);
        std::map<int, std::int64_t> out;
        if (rd_kafka_committed(rk.get(), list, 10000) == RD_KAFKA_RESP_ERR_NO_ERROR)
            for (int i = 0; i < list->cnt; ++i)
                out[list->elems[i].partition] =
                    list->elems[i].offset < 0 ? -1 : list->elems[i].offset;
        rd_kafka_topic_partition_list_destroy(list);
        return out;  // empty when the coordinator could not be asked (fault injected)
    }

    std::map<int, std::int64_t> end_offsets(const std::string& topic, int partitions) const {
        auto rk = client("fotogal-test-watermarks");
        std::map<int, std::int64_t> out;
        for (int p = 0; p < partitions; ++p) {
            std::int64_t lo = 0, hi = 0;
            if (rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &lo, &hi, 10000))
                throw std::runtime_error("watermarks unavailable");
            out[p] = hi;
        }
        return out;
    }

  private:
    kafka::HandlePtr client(const std::string& group) const {
        kafka::ConfPtr conf(rd_kafka_conf_new());
        kafka::set_property(conf.get(), "bootstrap.servers", bootstrap_);
        kafka::set_property(conf.get(), "group.id", group);
        kafka::set_property(conf.get(), "log_level", "0");
        char err[512];
        kafka::HandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf.get(), err, sizeof err));
        if (!rk) throw std::runtime_error(err);
        conf.release();
        return rk;
    }

    kafka::HandlePtr rk_;
    rd_kafka_mock_cluster_t* mc_ = nullptr;
    std::string bootstrap_;
};

}  // namespace fotogal::test
