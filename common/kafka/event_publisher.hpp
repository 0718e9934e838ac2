// Where events go: the Kafka producer in production, a recording stand-in in unit tests of
// the code that decides what to publish.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fotogal::kafka {

struct Delivery {
    bool ok = false;
    std::string error;  // empty when ok
    std::int32_t partition = -1;
    std::int64_t offset = -1;
};

class EventPublisher {
  public:
    virtual ~EventPublisher() = default;
    // Returns once the event is acknowledged (acks=all) or has failed for good.
    virtual Delivery send(const std::string& topic, std::string_view key,
                          std::string_view value) = 0;
};

}  // namespace fotogal::kafka
