// An EventPublisher that keeps what it is given, and can be told to fail, for unit tests of
// the code that decides what to publish.
#pragma once

#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/kafka/event_publisher.hpp"

namespace fotogal::test {

struct Published {
    std::string topic;
    std::string key;
    nlohmann::json value;
};

class RecordingPublisher final : public kafka::EventPublisher {
  public:
    kafka::Delivery send(const std::string& topic, std::string_view key,
                         std::string_view value) override {
        std::lock_guard lock(mutex_);  // the consumer loop sends from its pool threads
        if (fail_next > 0) {
            --fail_next;
            return {false, "broker unavailable (test)", -1, -1};
        }
        sent.push_back({topic, std::string(key), nlohmann::json::parse(value)});
        return {true, "", 0, static_cast<std::int64_t>(sent.size() - 1)};
    }

    std::vector<Published> on(const std::string& topic) const {
        std::lock_guard lock(mutex_);
        std::vector<Published> out;
        for (const auto& p : sent)
            if (p.topic == topic) out.push_back(p);
        return out;
    }

    std::vector<Published> sent;
    int fail_next = 0;

  private:
    mutable std::mutex mutex_;
};

}  // namespace fotogal::test
