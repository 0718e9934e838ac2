// What the broker knows of a topic, asked through any client handle.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fotogal::kafka {

// The partition ids of `topic` in ascending order, or nullopt when the topic does not exist.
// Throws std::runtime_error when the broker does not answer within `timeout`.
std::optional<std::vector<std::int32_t>> topic_partitions(rd_kafka_t* rk, const std::string& topic,
                                                          std::chrono::milliseconds timeout);

inline std::optional<int> topic_partition_count(rd_kafka_t* rk, const std::string& topic,
                                                std::chrono::milliseconds timeout) {
    auto parts = topic_partitions(rk, topic, timeout);
    if (!parts) return std::nullopt;
    return static_cast<int>(parts->size());
}

}  // namespace fotogal::kafka
