#include "workers/offset_tracker.hpp"

namespace fotogal::worker {

void OffsetTracker::started(const TopicPartition& tp, std::int64_t offset) {
    State& s = partitions_[tp];
    s.in_flight.insert(offset);
    if (!s.lowest_started || offset < *s.lowest_started) s.lowest_started = offset;
}

void OffsetTracker::finished(const TopicPartition& tp, std::int64_t offset) {
    State& s = partitions_[tp];
    s.in_flight.erase(offset);
    if (!s.highest_finished || offset > *s.highest_finished) s.highest_finished = offset;
}

std::optional<std::int64_t> OffsetTracker::committable(const TopicPartition& tp) const {
    auto it = partitions_.find(tp);
    if (it == partitions_.end() || !it->second.highest_finished) return std::nullopt;
    const State& s = it->second;
    // Kafka commits "the next offset to read": the lowest unfinished one, or one past the
    // highest finished when nothing is in flight.
    std::int64_t next = s.in_flight.empty()
                            ? *s.highest_finished + 1
                            : std::min(*s.in_flight.begin(), *s.highest_finished + 1);
    // Only a position past what is already committed (or, before any commit, past the first
    // event started) is news: committing the start position again would be a no-op round trip.
    if (s.committed && next <= *s.committed) return std::nullopt;
    if (!s.committed && s.lowest_started && next <= *s.lowest_started) return std::nullopt;
    return next;
}

void OffsetTracker::mark_committed(const TopicPartition& tp, std::int64_t offset) {
    partitions_[tp].committed = offset;
}

std::vector<std::pair<TopicPartition, std::int64_t>> OffsetTracker::all_committable() const {
    std::vector<std::pair<TopicPartition, std::int64_t>> out;
    for (const auto& [tp, state] : partitions_)
        if (auto next = committable(tp)) out.emplace_back(tp, *next);
    return out;
}

std::size_t OffsetTracker::in_flight(const TopicPartition& tp) const {
    auto it = partitions_.find(tp);
    return it == partitions_.end() ? 0 : it->second.in_flight.size();
}

void OffsetTracker::forget(const TopicPartition& tp) {
    partitions_.erase(tp);
}

}  // namespace fotogal::worker
