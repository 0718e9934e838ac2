// The CloudEvents distributed-tracing extension: `traceparent` and `tracestate` as attributes
// of the event (top-level members of the structured-mode JSON, beside `id` and `subject`).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "common/trace/trace_context.hpp"

namespace fotogal::events {

// Sets the attributes from `trace` (tracestate only when there is one); an invalid trace
// sets nothing.
void set_trace_attributes(nlohmann::json& event, const trace::TraceContext& trace);

// The event's trace context, when its `traceparent` attribute is present and valid.
std::optional<trace::TraceContext> trace_attributes(const nlohmann::json& event);

// The same, read from a message value (nullopt when it is no JSON object).
std::optional<trace::TraceContext> trace_of_event(std::string_view value);

// The context a consumer of this message value works under: its own hop (a fresh span id) in
// the event's trace, or a new trace when the event carries none (OCI bucket events, events
// from before tracing, values that are no event at all).
trace::TraceContext continue_trace_of_event(std::string_view value);

}  // namespace fotogal::events
