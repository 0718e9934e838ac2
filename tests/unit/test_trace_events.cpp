// The trace context in events (the CloudEvents distributed-tracing attributes) and in log
// lines (the log context's trace_id).
#include <doctest/doctest.h>

#include "common/events/event_trace.hpp"
#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/log_context.hpp"
#include "common/object_keys.hpp"
#include "log_capture.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

events::UploadFacts facts_for(const std::string& id) {
    events::UploadFacts facts;
    facts.image_id = id;
    facts.object_key = keys::original(id);
    facts.sha256 = std::string(64, 'a');
    return facts;
}

}  // namespace

TEST_CASE("trace events: an uploaded event carries traceparent and tracestate and reads back") {
    auto trace = trace::continue_or_start("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                          "congo=t61rcWkgMzE");
    std::string id = new_image_id();
    json event = events::uploaded_event(facts_for(id), "/test", trace);
    // Attributes of the event (top level in structured mode), not part of its data.
    CHECK(event.at("traceparent") == trace.traceparent());
    CHECK(event.at("tracestate") == "congo=t61rcWkgMzE");
    CHECK_FALSE(event.at("data").contains("traceparent"));

    auto parsed = events::parse_event(event.dump());
    REQUIRE(std::holds_alternative<events::ImageRequest>(parsed));
    const auto& request = std::get<events::ImageRequest>(parsed);
    REQUIRE(request.trace);
    CHECK(request.trace->trace_id == trace.trace_id);
    CHECK(request.trace->span_id == trace.span_id);
    CHECK(request.trace->tracestate == "congo=t61rcWkgMzE");
}

TEST_CASE("trace events: a reprocess event carries its trace; an event without one has none") {
    auto trace = trace::start_trace();
    std::string id = new_image_id();
    json reprocess = events::reprocess_event(id, keys::original(id), true, {}, "/test", trace);
    CHECK(reprocess.at("traceparent") == trace.traceparent());
    CHECK_FALSE(reprocess.contains("tracestate"));  // none to carry
    auto parsed = events::parse_event(reprocess.dump());
    REQUIRE(std::holds_alternative<events::ImageRequest>(parsed));
    CHECK(std::get<events::ImageRequest>(parsed).trace->trace_id == trace.trace_id);

    json untraced = events::uploaded_event(facts_for(id), "/test");
    CHECK_FALSE(untraced.contains("traceparent"));
    auto plain = events::parse_event(untraced.dump());
    REQUIRE(std::holds_alternative<events::ImageRequest>(plain));
    CHECK_FALSE(std::get<events::ImageRequest>(plain).trace);

    // A traceparent that is not valid counts as none: it is not carried further.
    untraced["traceparent"] = "00-not-a-trace";
    CHECK_FALSE(std::get<events::ImageRequest>(events::parse_event(untraced.dump())).trace);
}

TEST_CASE("trace events: a consumer continues the event's trace, or starts one without it") {
    auto upstream = trace::start_trace();
    std::string id = new_image_id();
    std::string traced = events::uploaded_event(facts_for(id), "/test", upstream).dump();
    auto hop = events::continue_trace_of_event(traced);
    CHECK(hop.trace_id == upstream.trace_id);
    CHECK(hop.span_id != upstream.span_id);

    json oci = {{"eventType", "com.oraclecloud.objectstorage.createobject"},
                {"cloudEventsVersion", "0.1"},
                {"data", {{"resourceName", "incoming/cat.jpg"}}}};
    for (const std::string& value : {oci.dump(), std::string("not json")}) {
        auto fresh = events::continue_trace_of_event(value);
        CHECK(fresh.valid());
        CHECK(fresh.trace_id != upstream.trace_id);
    }
}

TEST_CASE("trace log: a log context puts its fields and the trace id on every line") {
    test::LogCapture capture;
    auto trace = trace::start_trace();
    const auto log = log::Context({{"image_id", "img-1"}}).with_trace(trace);
    log.info("first line", {{"bytes", 3}});
    log.with({{"event_id", "ev-1"}}).warn("second line");
    log::Context().with_trace(trace::TraceContext{}).info("untraced line");

    auto first = capture.with_message("first line");
    REQUIRE(first.size() == 1);
    CHECK(first[0].at("trace_id") == trace.trace_id);
    CHECK(first[0].at("span_id") == trace.span_id);
    CHECK(first[0].at("image_id") == "img-1");
    CHECK(first[0].at("bytes") == 3);
    CHECK(first[0].at("level") == "info");
    auto second = capture.with_message("second line");
    REQUIRE(second.size() == 1);
    CHECK(second[0].at("trace_id") == trace.trace_id);
    CHECK(second[0].at("event_id") == "ev-1");
    auto untraced = capture.with_message("untraced line");
    REQUIRE(untraced.size() == 1);
    CHECK_FALSE(untraced[0].contains("trace_id"));  // an invalid trace adds nothing
}
