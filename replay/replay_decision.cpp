#include "replay/replay_decision.hpp"

#include <variant>

#include "common/events/event_types.hpp"
#include "common/events/image_events.hpp"

namespace fotogal::replay {

bool SeenImages::first_time(std::string_view id) {
    std::array<std::uint64_t, 2> bits{};
    int nibble = 0;
    for (char c : id) {
        if (c == '-') continue;
        std::uint64_t v = c <= '9' ? std::uint64_t(c - '0') : std::uint64_t(c - 'a' + 10);
        bits[nibble / 16] = (bits[nibble / 16] << 4) | v;
        ++nibble;
    }
    return seen_.insert(bits).second;
}

std::variant<Republish, Skip> decide(const StreamRecord& record, const DecisionSettings& settings,
                                     SeenImages& seen) {
    // Record times are the producer's; across producers they are not strictly ordered, so
    // the end offset taken from --until is checked again per record.
    if (settings.until_ms && record.timestamp_ms && *record.timestamp_ms > *settings.until_ms)
        return Skip{"after --until"};
    events::ParsedEvent parsed = events::parse_event(record.value);
    if (auto* invalid = std::get_if<events::Invalid>(&parsed))
        return Skip{"not an image event: " + invalid->reason};
    if (auto* ignored = std::get_if<events::Ignored>(&parsed)) return Skip{ignored->reason};
    const auto& request = std::get<events::ImageRequest>(parsed);
    if (!seen.first_time(request.image_id)) return Skip{"image already republished in this run"};
    // Ingest's upload facts (size, SHA-256, attributes) travel on; a bucket event's own
    // fields (OCI createobject, S3 notification) mean nothing to a reprocess event.
    nlohmann::json data =
        events::is_bucket_event(request) ? nlohmann::json::object() : request.data;
    data["replayed_from"] = {{"topic", record.topic},
                             {"partition", record.partition},
                             {"offset", record.offset},
                             {"event_id", request.event_id}};
    // The replay is a hop in the image's trace from its upload; an upload event from before
    // tracing (or a bucket event) starts one here.
    trace::TraceContext trace =
        request.trace ? trace::child_of(*request.trace) : trace::start_trace();
    return Republish{request.image_id,
                     events::reprocess_event(request.image_id, request.object_key, settings.force,
                                             std::move(data), settings.source, trace)};
}

}  // namespace fotogal::replay
