#include "common/kafka/topic_metadata.hpp"

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace fotogal::kafka {

namespace {

struct TopicDeleter {
    void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
};
struct MetadataDeleter {
    void operator()(const rd_kafka_metadata_t* m) const { rd_kafka_metadata_destroy(m); }
};

}  // namespace

std::optional<std::vector<std::int32_t>> topic_partitions(rd_kafka_t* rk, const std::string& topic,
                                                          std::chrono::milliseconds timeout) {
    std::unique_ptr<rd_kafka_topic_t, TopicDeleter> handle(
        rd_kafka_topic_new(rk, topic.c_str(), nullptr));
    const rd_kafka_metadata_t* raw = nullptr;
    rd_kafka_resp_err_t err =
        rd_kafka_metadata(rk, 0, handle.get(), &raw, static_cast<int>(timeout.count()));
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
        throw std::runtime_error("cannot read metadata of topic " + topic +
                                 " from the broker: " + rd_kafka_err2str(err));
    std::unique_ptr<const rd_kafka_metadata_t, MetadataDeleter> md(raw);
    for (int i = 0; i < md->topic_cnt; ++i) {
        const auto& t = md->topics[i];
        if (topic != t.topic) continue;
        if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART || t.partition_cnt == 0)
            return std::nullopt;
        if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR)
            throw std::runtime_error("topic " + topic + ": " + rd_kafka_err2str(t.err));
        std::vector<std::int32_t> ids;
        for (int p = 0; p < t.partition_cnt; ++p) ids.push_back(t.partitions[p].id);
        std::sort(ids.begin(), ids.end());
        return ids;
    }
    return std::nullopt;
}

}  // namespace fotogal::kafka
