// The worker's consumption loop: poll, handle, commit only finished work, retry transient
// failures later by seeking back, and on shutdown commit and leave the group cleanly.
#pragma once

#include <atomic>
#include <chrono>
#include <stop_token>
#include <string>

#include "common/kafka/consumer.hpp"
#include "workers/image_event_handler.hpp"
#include "workers/offset_tracker.hpp"

namespace fotogal::worker {

struct LoopSettings {
    std::string topic;
    std::string group;
};

class ConsumerLoop {
  public:
    ConsumerLoop(const kafka::KafkaSettings& kafka, LoopSettings settings, HandlerContext ctx);
    // Runs until `stop` is requested; returns after committing and leaving the group.
    void run(std::stop_token stop);
    // Subscribed and polling. A member with no partition (more workers than partitions) is
    // still ready: it takes over when another leaves.
    bool consuming() const { return consuming_.load(); }

  private:
    void handle(kafka::MessagePtr message);
    void commit_finished(bool synchronous);
    void on_revoking(const std::vector<kafka::PartitionOffset>& parts);

    LoopSettings settings_;
    HandlerContext ctx_;
    OffsetTracker tracker_;
    std::stop_token stop_;
    std::atomic<bool> consuming_{false};
    kafka::Consumer consumer_;  // last: its callbacks use the members above
};

}  // namespace fotogal::worker
