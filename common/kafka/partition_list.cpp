#include "common/kafka/partition_list.hpp"

namespace fotogal::kafka {

PartitionListPtr to_list(const std::vector<PartitionOffset>& offsets) {
    PartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(offsets.size())));
    for (const auto& o : offsets)
        rd_kafka_topic_partition_list_add(list.get(), o.topic.c_str(), o.partition)->offset =
            o.offset;
    return list;
}

std::vector<PartitionOffset> to_vector(const rd_kafka_topic_partition_list_t* parts) {
    std::vector<PartitionOffset> out;
    for (int i = 0; i < parts->cnt; ++i)
        out.push_back({parts->elems[i].topic, parts->elems[i].partition, parts->elems[i].offset});
    return out;
}

}  // namespace fotogal::kafka
