// The worker's part of the trace: its hop continues the event's trace id into the result
// event, the dead-letter record and every log line about the image; events without a trace
// (bucket events) start one there.
#include <doctest/doctest.h>

#include <chrono>

#include "common/events/event_trace.hpp"
#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "log_capture.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"
#include "workers/event_retries.hpp"
#include "workers/image_event_handler.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

struct Worker {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    test::RecordingPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test"};
    trace::TraceContext upstream = trace::start_trace();  // ingest's hop

    // Stores a corpus file as an original; returns its uploaded event, traced by `upstream`.
    std::string upload(const std::string& corpus_file, std::string& id) {
        events::UploadFacts facts;
        facts.image_id = id = new_image_id();
        facts.object_key = keys::original(id);
        store.put(facts.object_key, test::read_corpus(corpus_file), "application/octet-stream");
        return events::uploaded_event(facts, "/test", upstream).dump();
    }

    // As the consumer loop hands it over: with the worker's hop of the event's trace.
    worker::IncomingMessage message(const std::string& value) {
        worker::IncomingMessage m{"uploads", 0, 1, "key", value};
        m.trace = events::continue_trace_of_event(value);
        return m;
    }

    std::optional<trace::TraceContext> trace_of(const json& record) {
        return events::trace_attributes(record);
    }
};

}  // namespace

TEST_CASE("trace worker: the result event keeps the trace id under the worker's own parent-id") {
    Worker w;
    std::string id, event = w.upload("formats/bmp24_v5.bmp", id);
    auto m = w.message(event);
    REQUIRE(worker::handle_message(w.ctx, m) == worker::Outcome::processed);
    auto results = w.publisher.on("results");
    REQUIRE(results.size() == 1);
    auto result_trace = w.trace_of(results[0].value);
    REQUIRE(result_trace);
    CHECK(result_trace->trace_id == w.upstream.trace_id);
    CHECK(result_trace->span_id == m.trace.span_id);
    CHECK(result_trace->span_id != w.upstream.span_id);
}

TEST_CASE("trace worker: a failed image's dead letter and failed event keep the trace id") {
    Worker w;
    std::string id, event = w.upload("bad/truncated_10000B.jpg", id);
    auto m = w.message(event);
    REQUIRE(worker::handle_message(w.ctx, m) == worker::Outcome::failed);
    auto dlq = w.publisher.on("dlq");
    REQUIRE(dlq.size() == 1);
    CHECK(dlq[0].value.at("traceparent") == m.trace.traceparent());
    auto failed = w.publisher.on("results");
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].value.at("type") == "fotogal.image.failed");
    CHECK(w.trace_of(failed[0].value)->trace_id == w.upstream.trace_id);
}

TEST_CASE("trace worker: a record the retry layer dead-letters carries the delivery's trace") {
    Worker w;
    std::string id, event = w.upload("formats/bmp24_v5.bmp", id);
    auto m = w.message(event);
    test::LogCapture capture;
    auto transient = [](const worker::IncomingMessage&) {
        throw Error(ErrorKind::transient, "storage_unavailable", "test outage");
    };
    auto dead_letter = [&](const worker::IncomingMessage& msg, const Error& last,
                           const worker::AttemptHistory& history) {
        worker::dead_letter_event(w.ctx, msg, last, history);
    };
    using namespace std::chrono_literals;
    auto r = worker::handle_with_retries(transient, dead_letter, m, {}, {2, 1ms, 2ms});
    CHECK(r.result == worker::Attempts::dead_lettered);
    auto dlq = w.publisher.on("dlq");
    REQUIRE(dlq.size() == 1);
    CHECK(dlq[0].value.at("traceparent") == m.trace.traceparent());
    CHECK(dlq[0].value.at("image_id") == id);
    auto retried = capture.with_message("transient failure, retrying event");
    REQUIRE(retried.size() == 1);
    CHECK(retried[0].at("trace_id") == w.upstream.trace_id);
    REQUIRE(capture.with_message("retry budget spent; dead-lettering event").size() == 1);
}

TEST_CASE("trace worker: every log line about the image carries its trace id") {
    Worker w;
    std::string id, event = w.upload("formats/bmp24_v5.bmp", id);
    test::LogCapture capture;
    REQUIRE(worker::handle_message(w.ctx, w.message(event)) == worker::Outcome::processed);
    REQUIRE(worker::handle_message(w.ctx, w.message(event)) == worker::Outcome::skipped);
    std::size_t about_image = 0;
    for (const auto& line : capture.lines()) {
        if (line.value("image_id", "") != id) continue;
        ++about_image;
        CAPTURE(line.dump());
        CHECK(line.value("trace_id", "") == w.upstream.trace_id);
    }
    CHECK(about_image >= 3);  // manifest written, image processed, manifest is current
    auto written = capture.with_message("manifest written");
    REQUIRE(written.size() == 1);
    CHECK(written[0].at("key") == keys::manifest(id));
}

TEST_CASE("trace worker: a bucket event, which has no trace, starts one at the worker") {
    Worker w;
    w.store.put("incoming/cat.bmp", test::read_corpus("formats/bmp24_v5.bmp"), "image/bmp");
    json oci = {{"eventType", "com.oraclecloud.objectstorage.createobject"},
                {"cloudEventsVersion", "0.1"},
                {"eventID", "abc"},
                {"data", {{"resourceName", "incoming/cat.bmp"}}}};
    auto m = w.message(oci.dump());
    CHECK(m.trace.valid());
    REQUIRE(worker::handle_message(w.ctx, m) == worker::Outcome::processed);
    auto results = w.publisher.on("results");
    REQUIRE(results.size() == 1);
    CHECK(results[0].value.at("traceparent") == m.trace.traceparent());
}
