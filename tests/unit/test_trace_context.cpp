// W3C Trace Context level 1: what a traceparent may look like, and what each hop makes of it.
#include <doctest/doctest.h>

#include <string>

#include "common/trace/trace_context.hpp"

using namespace fotogal;

namespace {

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kSpanId = "00f067aa0ba902b7";
const std::string kValid = std::string("00-") + kTraceId + "-" + kSpanId + "-01";

}  // namespace

TEST_CASE("trace: a valid version-00 traceparent parses and formats back unchanged") {
    auto t = trace::parse_traceparent(kValid);
    REQUIRE(t);
    CHECK(t->trace_id == kTraceId);
    CHECK(t->span_id == kSpanId);
    CHECK(t->flags == 0x01);
    CHECK(t->valid());
    CHECK(t->traceparent() == kValid);
    auto unsampled =
        trace::parse_traceparent(std::string("00-") + kTraceId + "-" + kSpanId + "-00");
    REQUIRE(unsampled);
    CHECK(unsampled->flags == 0);
}

TEST_CASE("trace: malformed traceparents are refused") {
    const std::string id = kTraceId, span = kSpanId;
    for (const std::string& bad : {
             std::string(),
             "00-" + id + "-" + span,                                // no flags
             "00-" + id + "-" + span + "-01-extra",                  // version 00 has four fields
             "00-" + id + "-" + span + "-1",                         // short flags
             "ff-" + id + "-" + span + "-01",                        // the forbidden version
             "0g-" + id + "-" + span + "-01",                        // version not hex
             "00-" + std::string(32, '0') + "-" + span + "-01",      // all-zero trace id
             "00-" + id + "-" + std::string(16, '0') + "-01",        // all-zero parent id
             "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + span + "-01",  // upper case
             "00-" + id.substr(1) + "-" + span + "-01",              // 31-digit trace id
             "00-" + id + "-" + span.substr(1) + "x-01",             // not hex
             "00_" + id + "_" + span + "_01",                        // wrong separators
             " 00-" + id + "-" + span + "-01",                       // inner whitespace is no OWS
             "00-" + id + "-" + span + "-0z",                        // flags not hex
         }) {
        CAPTURE(bad);
        CHECK_FALSE(trace::parse_traceparent(bad));
    }
}

TEST_CASE("trace: a later version is read by its first four fields") {
    const std::string later = std::string("cc-") + kTraceId + "-" + kSpanId + "-01";
    auto t = trace::parse_traceparent(later + "-what-the-future-adds");
    REQUIRE(t);
    CHECK(t->trace_id == kTraceId);
    CHECK(t->traceparent() == kValid);  // passed on as the version this code knows
    CHECK(trace::parse_traceparent(later));
    CHECK_FALSE(trace::parse_traceparent(later + "x"));  // a field must follow a '-'
}

TEST_CASE("trace: tracestate is kept beside a valid traceparent when well-formed") {
    auto t = trace::parse_traceparent(kValid, "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7");
    REQUIRE(t);
    CHECK(t->tracestate == "congo=t61rcWkgMzE, rojo=00f067aa0ba902b7");
    CHECK(trace::parse_traceparent(kValid, "vendor@tenant=x")->tracestate == "vendor@tenant=x");
    // A malformed tracestate is dropped; the trace itself stays.
    for (const std::string& bad : {std::string("no-equals-sign"), std::string("UPPER=x"),
                                   std::string("k=v,") + std::string(600, 'a') + "=b"}) {
        CAPTURE(bad);
        auto kept = trace::parse_traceparent(kValid, bad);
        REQUIRE(kept);
        CHECK(kept->tracestate.empty());
    }
}

TEST_CASE("trace: a child keeps the trace id and state and takes a span id of its own") {
    auto parent = trace::parse_traceparent(std::string("00-") + kTraceId + "-" + kSpanId + "-ff",
                                           "congo=t61rcWkgMzE");
    REQUIRE(parent);
    auto child = trace::child_of(*parent);
    CHECK(child.valid());
    CHECK(child.trace_id == kTraceId);
    CHECK(child.span_id != kSpanId);
    CHECK(child.tracestate == "congo=t61rcWkgMzE");
    CHECK(child.flags == 0x01);  // only the sampled bit is defined by level 1
    CHECK(trace::parse_traceparent(child.traceparent()));
}

TEST_CASE("trace: a new trace is valid and unique; a bad or missing context starts one") {
    auto a = trace::start_trace(), b = trace::start_trace();
    CHECK(a.valid());
    CHECK(a.trace_id != b.trace_id);
    CHECK(a.flags == 0);
    CHECK(trace::parse_traceparent(a.traceparent())->trace_id == a.trace_id);

    auto continued = trace::continue_or_start(kValid, "congo=t61rcWkgMzE");
    CHECK(continued.trace_id == kTraceId);
    CHECK(continued.span_id != kSpanId);
    CHECK(continued.tracestate == "congo=t61rcWkgMzE");
    for (std::string_view bad : {"", "garbage", "00-00000000000000000000000000000000-x-01"}) {
        auto fresh = trace::continue_or_start(bad, "congo=t61rcWkgMzE");
        CHECK(fresh.valid());
        CHECK(fresh.trace_id != kTraceId);
        CHECK(fresh.tracestate.empty());  // never kept without the traceparent it belongs to
    }
}
