// A consumer-group member with manual offset commits. The caller decides what is committed
// (only finished work); this class owns the librdkafka handle and the rebalance protocol:
// cooperative-sticky, so a member joining or leaving moves only the partitions that change
// owner, and the others keep working through the rebalance. The hooks run inside poll(); an
// exception from a hook never unwinds through librdkafka's C frames: it is caught at the
// callback, the (un)assignment is completed, and poll() rethrows it afterwards.
#pragma once

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka/kafka_settings.hpp"
#include "common/kafka/message.hpp"
#include "common/kafka/partition_list.hpp"

namespace fotogal::kafka {

struct MessageDeleter {
    void operator()(rd_kafka_message_t* m) const { rd_kafka_message_destroy(m); }
};
// What poll() receives from librdkafka; only common/kafka/ sees it.
using MessagePtr = std::unique_ptr<rd_kafka_message_t, MessageDeleter>;

struct RebalanceHooks {
    // Only the partitions added (incremental assignment); the others stay as they are.
    std::function<void(const std::vector<PartitionOffset>&)> assigned;
    // Called before these partitions (only those) go away: last chance to commit finished
    // work for them.
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
    // nullopt when nothing arrived in time; errors and partition ends come as a Message with
    // that status. Rethrows what a rebalance hook threw during this poll.
    std::optional<Message> poll(std::chrono::milliseconds timeout);
    // Asynchronous commits report through RebalanceHooks::committed; a synchronous one
    // throws std::runtime_error when refused.
    void commit(const std::vector<PartitionOffset>& offsets, bool synchronous);
    // Stop / restart fetching these partitions (backpressure). Pausing drops what librdkafka
    // prefetched for them and fetches again from the last message poll() returned, so
    // nothing is skipped. Offsets in the arguments are ignored.
    void pause(const std::vector<PartitionOffset>& parts);
    void resume(const std::vector<PartitionOffset>& parts);
    // Each assigned partition's lag as the broker sees it: its end offset minus the group's
    // committed offset (from the start when nothing is committed yet), in the `offset`
    // field. Asks the broker (OffsetFetch, ListOffsets), so it blocks up to about `timeout`
    // per request; thread-safe, meant for a reporting thread. nullopt when the broker did not
    // answer; a partition whose end offset could not be read is left out.
    std::optional<std::vector<PartitionOffset>> lag(std::chrono::milliseconds timeout);
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
    void rebalance(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* parts);

    RebalanceHooks hooks_;
    std::exception_ptr hook_failure_;  // thrown by a hook inside librdkafka, rethrown by poll()
    bool closed_ = false;
};

}  // namespace fotogal::kafka
