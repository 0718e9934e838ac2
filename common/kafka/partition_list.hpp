// librdkafka's topic-partition lists as an owned handle, and the conversions to and from the
// project's PartitionOffset, shared by the group consumer and the replay's partition reader.
#pragma once

#include <librdkafka/rdkafka.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace fotogal::kafka {

struct PartitionOffset {
    std::string topic;
    std::int32_t partition = 0;
    std::int64_t offset = 0;  // the next offset to read, as Kafka commits it
};

struct PartitionListDeleter {
    void operator()(rd_kafka_topic_partition_list_t* l) const {
        rd_kafka_topic_partition_list_destroy(l);
    }
};
using PartitionListPtr = std::unique_ptr<rd_kafka_topic_partition_list_t, PartitionListDeleter>;

PartitionListPtr to_list(const std::vector<PartitionOffset>& offsets);
std::vector<PartitionOffset> to_vector(const rd_kafka_topic_partition_list_t* parts);

}  // namespace fotogal::kafka
