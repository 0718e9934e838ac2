// Where the replay tool's reprocess events go: the reprocess topic, or (dry run) nowhere but
// a counter. Unit tests record them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/kafka/batch_producer.hpp"

namespace fotogal::replay {

class ReprocessSink {
  public:
    virtual ~ReprocessSink() = default;
    virtual void send(std::string_view key, std::string_view value) = 0;
    // Waits until every event sent so far is acknowledged or failed.
    virtual void flush() = 0;
    virtual std::uint64_t published() const = 0;  // acknowledged so far
    virtual std::uint64_t failed() const = 0;
};

// Publishes to the reprocess topic with acks=all, many events per request.
class KafkaSink final : public ReprocessSink {
  public:
    // Throws ConfigError when the topic does not exist (nothing is sent to a missing topic
    // to wait out librdkafka's metadata timeout).
    KafkaSink(const kafka::KafkaSettings& settings, std::string topic);
    void send(std::string_view key, std::string_view value) override;
    void flush() override;
    std::uint64_t published() const override { return producer_.delivered(); }
    std::uint64_t failed() const override { return producer_.failed(); }

  private:
    kafka::BatchProducer producer_;
    std::string topic_;
};

// --dry-run: counts what would be published.
class CountingSink final : public ReprocessSink {
  public:
    void send(std::string_view, std::string_view) override { ++count_; }
    void flush() override {}
    std::uint64_t published() const override { return count_; }
    std::uint64_t failed() const override { return 0; }

  private:
    std::uint64_t count_ = 0;
};

}  // namespace fotogal::replay
