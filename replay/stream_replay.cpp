#include "replay/stream_replay.hpp"

#include <algorithm>
#include <chrono>

#include "common/config.hpp"
#include "common/log.hpp"
#include "replay/replay_decision.hpp"

namespace fotogal::replay {

std::vector<PartitionPlan> plan_partitions(const PlanInputs& in) {
    std::vector<PartitionPlan> plans;
    auto end_of = [&](std::int32_t p, const kafka::Watermarks& w) {
        auto it = in.until_offsets.find(p);
        return it == in.until_offsets.end() || it->second < 0 ? w.high
                                                              : std::min(w.high, it->second);
    };
    if (in.from_offsets && !in.from_offsets->earliest) {
        for (const auto& [p, offset] : in.from_offsets->offsets) {
            auto w = in.watermarks.find(p);
            if (w == in.watermarks.end())
                throw ConfigError("--from-offsets names partition " + std::to_string(p) +
                                  ", which the uploads topic does not have");
            if (offset < w->second.low)
                log::warn("offset no longer kept by the topic's retention; starting at the oldest",
                          {{"partition", p}, {"asked", offset}, {"oldest", w->second.low}});
            std::int64_t start = std::clamp(offset, w->second.low, w->second.high);
            plans.push_back({p, start, std::max(start, end_of(p, w->second))});
        }
        return plans;
    }
    for (const auto& [p, w] : in.watermarks) {
        std::int64_t start = w.low;
        if (auto it = in.since_offsets.find(p); it != in.since_offsets.end())
            start = it->second < 0 ? w.high : std::clamp(it->second, w.low, w.high);
        plans.push_back({p, start, std::max(start, end_of(p, w))});
    }
    return plans;
}

namespace {

PlanInputs ask_broker(kafka::PartitionReader& reader, const StreamReplaySettings& s) {
    PlanInputs in;
    std::vector<std::int32_t> parts = reader.partitions(s.uploads_topic);
    for (auto p : parts) in.watermarks[p] = reader.watermarks(s.uploads_topic, p);
    if (s.since_ms)
        for (const auto& o : reader.offsets_for_time(s.uploads_topic, parts, *s.since_ms))
            in.since_offsets[o.partition] = o.offset;
    if (s.until_ms)
        for (const auto& o : reader.offsets_for_time(s.uploads_topic, parts, *s.until_ms + 1))
            in.until_offsets[o.partition] = o.offset;
    in.from_offsets = s.from_offsets;
    return in;
}

class Run {
  public:
    Run(kafka::PartitionReader& reader, ReprocessSink& sink, RateLimiter& rate,
        ProgressDisplay& progress, const StreamReplaySettings& s, std::stop_token stop)
        : reader_(reader), sink_(sink), rate_(rate), progress_(progress), s_(s), stop_(stop) {
        decision_.until_ms = s.until_ms;
        decision_.force = s.force;
        decision_.source = s.source;
    }

    Counts go() {
        auto plans = plan_partitions(ask_broker(reader_, s_));
        std::uint64_t total = 0;
        std::vector<kafka::PartitionOffset> starts;
        for (const auto& plan : plans) {
            total += static_cast<std::uint64_t>(plan.end - plan.start);
            log::info("replay range",
                      {{"partition", plan.partition}, {"start", plan.start}, {"end", plan.end}});
            if (plan.start >= plan.end) continue;
            starts.push_back({s_.uploads_topic, plan.partition, plan.start});
            end_[plan.partition] = plan.end;
            next_[plan.partition] = plan.start;
        }
        progress_.set_total(total);
        if (!starts.empty()) reader_.assign(starts);
        auto last_checkpoint = std::chrono::steady_clock::now();
        while (!end_.empty() && !stop_.stop_requested()) {
            if (auto msg = reader_.poll(std::chrono::milliseconds(200))) handle(*msg);
            refresh_counts();
            progress_.update(counts_, done_);
            if (std::chrono::steady_clock::now() - last_checkpoint > std::chrono::seconds(1)) {
                checkpoint();
                last_checkpoint = std::chrono::steady_clock::now();
            }
        }
        checkpoint();
        progress_.finish(counts_, done_);
        return counts_;
    }

  private:
    void handle(const kafka::Message& msg) {
        std::int32_t p = msg.partition;
        auto end = end_.find(p);
        if (msg.status == kafka::Message::Status::partition_eof) {
            // The end mark was taken at start; reaching the log's end covers gaps (aborted
            // transactions, deleted records) between the last record and that mark.
            if (end != end_.end() && msg.offset >= end->second) finish_partition(p);
            return;
        }
        if (msg.status == kafka::Message::Status::error) {
            ++read_errors_;
            log::error("reading the uploads topic failed",
                       {{"partition", p}, {"error", msg.error}});
            if (msg.source_gone)
                end_.clear();  // nothing more can be read; the summary reports the error
            return;
        }
        if (end == end_.end() || msg.offset >= end->second) return;  // past the end mark
        ++counts_.scanned;
        ++done_;
        StreamRecord record{s_.uploads_topic, p, msg.offset, msg.timestamp_ms, msg.value};
        auto decision = decide(record, decision_, seen_);
        if (auto* skip = std::get_if<Skip>(&decision)) {
            ++counts_.skipped;
            log::debug("record skipped",
                       {{"partition", p}, {"offset", msg.offset}, {"reason", skip->reason}});
        } else {
            auto& republish = std::get<Republish>(decision);
            if (!s_.dry_run && !rate_.acquire(stop_)) return;  // interrupted: not read
            sink_.send(republish.image_id, republish.event.dump());
        }
        next_[p] = msg.offset + 1;
        if (next_[p] >= end->second) finish_partition(p);
    }

    void finish_partition(std::int32_t p) {
        log::info("partition replayed to its end mark", {{"partition", p}});
        end_.erase(p);
    }

    void refresh_counts() {
        counts_.published = sink_.published();
        counts_.errors = sink_.failed() + read_errors_;
    }

    // Flushes, then records the position in the replay group: what is committed has been
    // republished (or counted as an error), so an operator can resume from it.
    void checkpoint() {
        sink_.flush();
        refresh_counts();
        if (s_.dry_run || next_.empty()) return;
        std::vector<kafka::PartitionOffset> positions;
        for (const auto& [p, next] : next_) positions.push_back({s_.uploads_topic, p, next});
        try {
            reader_.commit(positions);
        } catch (const std::exception& e) {
            log::warn("could not record the replay position", {{"error", e.what()}});
        }
    }

    kafka::PartitionReader& reader_;
    ReprocessSink& sink_;
    RateLimiter& rate_;
    ProgressDisplay& progress_;
    const StreamReplaySettings& s_;
    std::stop_token stop_;
    DecisionSettings decision_;
    SeenImages seen_;
    std::map<std::int32_t, std::int64_t> end_;   // partitions still being read
    std::map<std::int32_t, std::int64_t> next_;  // next offset per partition
    Counts counts_;
    std::uint64_t done_ = 0;
    std::uint64_t read_errors_ = 0;
};

}  // namespace

Counts replay_stream(kafka::PartitionReader& reader, ReprocessSink& sink, RateLimiter& rate,
                     ProgressDisplay& progress, const StreamReplaySettings& settings,
                     std::stop_token stop) {
    return Run(reader, sink, rate, progress, settings, stop).go();
}

}  // namespace fotogal::replay
