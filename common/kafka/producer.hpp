// A producer whose send() returns only when the broker acknowledged the message (acks=all)
// or it failed for good: ingest may answer 202 only after that (DESIGN.md §5).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

#include "common/kafka/event_publisher.hpp"
#include "common/kafka/kafka_settings.hpp"

namespace fotogal::kafka {

class Producer final : public EventPublisher {
  public:
    // `delivery_timeout` bounds how long librdkafka keeps retrying one message.
    Producer(const KafkaSettings& settings, std::chrono::milliseconds delivery_timeout);
    ~Producer();
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;

    Delivery send(const std::string& topic, std::string_view key, std::string_view value) override;

    // True once the client has a broker connection (for /readyz).
    bool connected() const;

  private:
    HandlePtr rk_;
    std::chrono::milliseconds delivery_timeout_;
    std::jthread poller_;  // serves delivery reports
};

}  // namespace fotogal::kafka
