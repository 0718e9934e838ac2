// A consumer that reads chosen partitions from chosen offsets (rd_kafka_assign, no group
// rebalancing) and commits its position to its own consumer group, so a replay shows up
// and can be watched like any group. Used by the replay tool; workers use Consumer.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/kafka/consumer.hpp"
#include "common/kafka/kafka_settings.hpp"

namespace fotogal::kafka {

struct Watermarks {
    std::int64_t low = 0;   // the oldest offset still kept
    std::int64_t high = 0;  // the offset the next message will get
};

class PartitionReader {
  public:
    PartitionReader(const KafkaSettings& settings, const std::string& group);
    ~PartitionReader();
    PartitionReader(const PartitionReader&) = delete;
    PartitionReader& operator=(const PartitionReader&) = delete;

    // Partition ids of `topic`; throws ConfigError when the topic does not exist.
    std::vector<std::int32_t> partitions(const std::string& topic);
    Watermarks watermarks(const std::string& topic, std::int32_t partition);
    // For each partition, the first offset whose message timestamp is >= unix_millis, or -1
    // when there is none yet. Throws std::runtime_error when the broker cannot say.
    std::vector<PartitionOffset> offsets_for_time(const std::string& topic,
                                                  const std::vector<std::int32_t>& partitions,
                                                  std::int64_t unix_millis);
    // Starts reading exactly these partitions at these offsets (committed offsets ignored).
    void assign(const std::vector<PartitionOffset>& starts);
    // nullopt when nothing arrived in time; errors and partition ends come with that status.
    std::optional<Message> poll(std::chrono::milliseconds timeout);
    // Records the next offset to read of each partition for this reader's group.
    void commit(const std::vector<PartitionOffset>& positions);
    void close();

  private:
    HandlePtr rk_;
    bool closed_ = false;
    std::chrono::milliseconds timeout_{10000};  // broker round trips at start-up
};

}  // namespace fotogal::kafka
