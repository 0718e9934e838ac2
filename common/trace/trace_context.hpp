// W3C Trace Context (level 1) for following one image from its upload request to its
// manifest: the `traceparent` ingest takes from the client (or starts), carried in every event
// about the image as the CloudEvents distributed-tracing attributes, and logged as `trace_id`.
// Nothing here records spans; each hop only takes its own span id, so that what it sends names
// it as the parent.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fotogal::trace {

struct TraceContext {
    std::string trace_id;    // 32 lower-case hex digits, not all zero
    std::string span_id;     // 16 lower-case hex digits, not all zero: the parent-id sent on
    std::uint8_t flags = 0;  // bit 0: sampled (the caller may have recorded the trace)
    std::string tracestate;  // vendors' state, passed on unchanged ("" when none)

    bool valid() const;
    // "00-{trace_id}-{span_id}-{flags}", the header and event attribute value.
    std::string traceparent() const;
};

// A `traceparent` value as W3C Trace Context level 1 defines it: version 00 exactly 55
// characters; a later version (not ff) read by its first four fields; lower-case hex ids,
// neither all zero. `tracestate` is kept only beside a valid traceparent and when it is a
// well-formed list of at most 512 characters (else dropped, the trace itself kept).
std::optional<TraceContext> parse_traceparent(std::string_view traceparent,
                                              std::string_view tracestate = {});

// A new trace: fresh trace id and span id, flags 00 (nothing is recorded).
TraceContext start_trace();

// This hop's context inside `parent`'s trace: same trace id and tracestate, a fresh span id,
// only the flags level 1 defines.
TraceContext child_of(const TraceContext& parent);

// What a hop that received these values works under: a child of them when they parse, else a
// new trace (a malformed or missing context never refuses work).
TraceContext continue_or_start(std::string_view traceparent, std::string_view tracestate = {});

}  // namespace fotogal::trace
