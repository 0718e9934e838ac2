// A producer for bulk publishing (the replay tool): produce() returns at once and many
// messages share a request; delivery is counted, and flush() waits for every report. Unlike
// Producer::send(), which waits for each acknowledgement, this sends thousands a second.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/kafka/kafka_settings.hpp"

namespace fotogal::kafka {

class BatchProducer {
  public:
    BatchProducer(const KafkaSettings& settings, std::chrono::milliseconds delivery_timeout);
    ~BatchProducer();
    BatchProducer(const BatchProducer&) = delete;
    BatchProducer& operator=(const BatchProducer&) = delete;

    // Queues one message (acks=all); waits while the client's queue is full. A message the
    // client refuses outright counts as failed.
    void produce(const std::string& topic, std::string_view key, std::string_view value);
    // Serves delivery reports until nothing is in flight or `timeout` passed; true when empty.
    bool flush(std::chrono::milliseconds timeout);

    std::uint64_t delivered() const { return delivered_; }
    std::uint64_t failed() const { return failed_; }
    const std::string& last_error() const { return last_error_; }

    // Partition count of `topic`, or nullopt when the broker does not know it. Throws
    // std::runtime_error when the broker cannot be reached within `timeout`.
    std::optional<int> partition_count(const std::string& topic, std::chrono::milliseconds timeout);

  private:
    static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg, void* opaque);
    // Delivery reports run on the thread that polls (produce/flush): plain counters suffice.
    std::uint64_t delivered_ = 0;
    std::uint64_t failed_ = 0;
    std::string last_error_;
    HandlePtr rk_;  // last: destroyed first, while the counters still exist
};

}  // namespace fotogal::kafka
