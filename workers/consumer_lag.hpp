// fotogal_kafka_consumer_lag{topic,partition}: how many events of each partition this worker
// owns are not committed yet, as the broker counts them (end offset minus committed offset).
// A thread asks the broker every few seconds, so the consumer loop never waits for it.
// Partitions the worker no longer owns drop to 0 here; their new owner reports them.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "common/kafka/consumer.hpp"
#include "workers/offset_tracker.hpp"

namespace fotogal::worker {

class ConsumerLag {
  public:
    // Stops (and joins its thread) on destruction, which must come before `consumer` closes.
    explicit ConsumerLag(kafka::Consumer& consumer,
                         std::chrono::milliseconds interval = std::chrono::seconds(5));
    ~ConsumerLag();
    ConsumerLag(const ConsumerLag&) = delete;
    ConsumerLag& operator=(const ConsumerLag&) = delete;

  private:
    void report();
    void run(std::stop_token stop);

    kafka::Consumer& consumer_;
    std::chrono::milliseconds interval_;
    std::map<TopicPartition, bool> reported_;  // only the thread touches it
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;  // last: it uses the members above
};

}  // namespace fotogal::worker
