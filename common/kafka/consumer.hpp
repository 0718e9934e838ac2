// A consumer-group member with manual offset commits. The caller decides what is committed
// (only finished work); this class owns the librdkafka handle and the rebalance protocol.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/kafka/kafka_settings.hpp"
#include "common/kafka/partition_list.hpp"

namespace fotogal::kafka {

struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

struct RebalanceHooks {
    std::function<void(const std::vector<PartitionOffset>&)> assigned;
    // Called before the partitions go away: last chance to commit finished work for them.
    std::function<void(const std::vector<PartitionOffset>&)> revoking;
    // The offsets the group coordinator confirmed, from poll()'s thread.
    std::function<void(const std::vector<PartitionOffset>&)> committed;
};

class Consumer {
  public:
    Consumer(const KafkaSettings& settings, const std::string& group, RebalanceHooks hooks);
    ~Consumer();
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;

    void subscribe(const std::vector<std::string>& topics);
    // nullptr when nothing arrived in time; messages with err set are returned as they are.
    MessagePtr poll(std::chrono::milliseconds timeout);
    // Asynchronous commits report through RebalanceHooks::committed; a synchronous one
    // throws std::runtime_error when refused.
    void commit(const std::vector<PartitionOffset>& offsets, bool synchronous);
    // Re-reads `offset` of that partition on a later poll (after a transient failure).
    void seek(const std::string& topic, std::int32_t partition, std::int64_t offset);
    // Stop / restart fetching these partitions (backpressure). Pausing drops what librdkafka
    // prefetched for them and fetches again from the last message poll() returned, so
    // nothing is skipped. Offsets in the arguments are ignored.
    void pause(const std::vector<PartitionOffset>& parts);
    void resume(const std::vector<PartitionOffset>& parts);
    // Makes a poll() blocking in another thread return at once (thread-safe).
    void wake();
    // Leaves the group at once so the others rebalance without waiting for a timeout.
    void close();

  private:
    static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* offsets, void* opaque);
    static void on_rebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t* parts, void* opaque);
    struct QueueDeleter {
        void operator()(rd_kafka_queue_t* q) const { rd_kafka_queue_destroy(q); }
    };
    HandlePtr rk_;
    std::unique_ptr<rd_kafka_queue_t, QueueDeleter> queue_;  // the consumer queue poll() reads
    RebalanceHooks hooks_;
    bool closed_ = false;
};

}  // namespace fotogal::kafka
