// A consumed record (or a consumer-side event: end of partition, error) as the project's own
// value type, copied out of librdkafka's message so no raw handle leaves common/kafka/.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <optional>
#include <string>

namespace fotogal::kafka {

struct Message {
    enum class Status { ok, partition_eof, error };
    Status status = Status::ok;
    std::string topic;
    std::int32_t partition = -1;
    std::int64_t offset = -1;
    std::string key;
    std::string value;
    std::optional<std::int64_t> timestamp_ms;
    std::string error;         // with Status::error: librdkafka's description
    bool source_gone = false;  // with Status::error: the topic or partition no longer exists
};

Message to_message(const rd_kafka_message_t& msg);

}  // namespace fotogal::kafka
