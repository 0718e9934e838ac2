// Which offsets of each partition are safe to commit: only up to the lowest event whose
// work (outputs, manifest, result event) is not finished yet. Events may finish in any
// order; the committed position never passes unfinished work.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fotogal::worker {

struct TopicPartition {
    std::string topic;
    std::int32_t partition = 0;
    auto operator<=>(const TopicPartition&) const = default;
};

class OffsetTracker {
  public:
    void started(const TopicPartition& tp, std::int64_t offset);
    void finished(const TopicPartition& tp, std::int64_t offset);
    // The offset to commit (next to read) if it moved since the last call to mark_committed.
    std::optional<std::int64_t> committable(const TopicPartition& tp) const;
    void mark_committed(const TopicPartition& tp, std::int64_t offset);
    // Every partition with something new to commit.
    std::vector<std::pair<TopicPartition, std::int64_t>> all_committable() const;
    std::size_t in_flight(const TopicPartition& tp) const;
    // Forget a partition (after it was revoked and its finished work committed).
    void forget(const TopicPartition& tp);

  private:
    struct State {
        std::set<std::int64_t> in_flight;
        std::optional<std::int64_t> lowest_started;  // nothing below it is ours to commit
        std::optional<std::int64_t> highest_finished;
        std::optional<std::int64_t> committed;
    };
    std::map<TopicPartition, State> partitions_;
};

}  // namespace fotogal::worker
