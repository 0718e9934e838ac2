#include "replay/reprocess_sink.hpp"

#include "common/config.hpp"
#include "common/log.hpp"

namespace fotogal::replay {

namespace {
constexpr std::chrono::seconds kDeliveryTimeout{60};
constexpr std::chrono::seconds kMetadataTimeout{10};
}  // namespace

KafkaSink::KafkaSink(const kafka::KafkaSettings& settings, std::string topic)
    : producer_(settings, kDeliveryTimeout), topic_(std::move(topic)) {
    if (!producer_.partition_count(topic_, kMetadataTimeout))
        throw ConfigError("the reprocess topic " + topic_ +
                          " does not exist on the broker; create it first "
                          "(FOTOGAL_TOPIC_REPROCESS names it)");
}

void KafkaSink::send(std::string_view key, std::string_view value) {
    producer_.produce(topic_, key, value);
}

void KafkaSink::flush() {
    // Delivery reports come within message.timeout.ms; the margin covers the last poll.
    while (!producer_.flush(kDeliveryTimeout + std::chrono::seconds(5)))
        log::warn("reprocess events still in flight after the delivery timeout",
                  {{"topic", topic_}});
}

}  // namespace fotogal::replay
