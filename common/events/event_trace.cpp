#include "common/events/event_trace.hpp"

#include "common/events/event_types.hpp"

namespace fotogal::events {

using nlohmann::json;

namespace {

std::string_view string_member(const json& event, const char* name) {
    auto it = event.find(name);
    if (it == event.end() || !it->is_string()) return {};
    return it->get_ref<const std::string&>();
}

}  // namespace

void set_trace_attributes(json& event, const trace::TraceContext& trace) {
    if (!trace.valid()) return;
    event["traceparent"] = trace.traceparent();
    if (!trace.tracestate.empty()) event["tracestate"] = trace.tracestate;
}

std::optional<trace::TraceContext> trace_attributes(const json& event) {
    if (!event.is_object()) return std::nullopt;
    return trace::parse_traceparent(string_member(event, "traceparent"),
                                    string_member(event, "tracestate"));
}

std::optional<trace::TraceContext> trace_of_event(std::string_view value) {
    if (value.size() > kMaxEventBytes) return std::nullopt;
    json event = json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (event.is_discarded()) return std::nullopt;
    return trace_attributes(event);
}

trace::TraceContext continue_trace_of_event(std::string_view value) {
    if (auto parent = trace_of_event(value)) return trace::child_of(*parent);
    return trace::start_trace();
}

}  // namespace fotogal::events
