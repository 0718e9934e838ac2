// Ingest's part of the trace: the client's traceparent continued (or a new trace started),
// ingest's hop echoed in the answer, carried by the uploaded event, and on ingest's log lines.
#include <doctest/doctest.h>

#include <httplib.h>

#include "common/http/http_server.hpp"
#include "common/storage/file_store.hpp"
#include "common/trace/trace_context.hpp"
#include "corpus.hpp"
#include "ingest/routes.hpp"
#include "log_capture.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

constexpr const char* kClientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr const char* kClientParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

struct Ingest {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    test::RecordingPublisher publisher;
    ingest::UploadService service{store, publisher, "uploads", {200'000, 100'000'000}};
    http::HttpServer server{"127.0.0.1:0", [] { return true; }};
    std::unique_ptr<ingest::auth::Authenticator> auth = [] {
        ingest::auth::AuthSettings anyone;
        anyone.mode = "none";
        return ingest::auth::make_authenticator(anyone);
    }();
    ingest::quotas::RateLimiter rates{{0, 1, 0, 1}};
    ingest::quotas::InflightBytes inflight{1 << 30};
    ingest::quotas::ConcurrentUploads concurrent{16};
    ingest::PresignCache presigned{std::chrono::seconds(300)};
    ingest::Edge edge{service, dir.path(), *auth, rates, inflight, concurrent, store, presigned};
    Ingest() {
        ingest::add_routes(server.routes(), edge);
        server.start();
    }
    // The server is declared before the limits its handlers hold: stop its threads first.
    ~Ingest() { server.stop(); }

    // Uploads a small image with these headers; returns the answer's traceparent, parsed.
    trace::TraceContext upload(const httplib::Headers& headers, int expected_status = 202) {
        httplib::Client client("127.0.0.1", server.port());
        auto bytes = test::read_corpus("formats/bmp24_v5.bmp");
        auto res = client.Post("/v1/images", headers, std::string(bytes.begin(), bytes.end()),
                               "image/bmp");
        REQUIRE(res);
        CHECK(res->status == expected_status);
        auto echoed = trace::parse_traceparent(res->get_header_value("traceparent"));
        REQUIRE(echoed);
        return *echoed;
    }

    json last_event() {
        REQUIRE_FALSE(publisher.sent.empty());
        return publisher.sent.back().value;
    }
};

}  // namespace

TEST_CASE("trace ingest: a client's valid traceparent is continued with ingest's own span") {
    Ingest ingest;
    auto echoed = ingest.upload({{"traceparent", kClientParent}, {"tracestate", "congo=t61rc"}});
    CHECK(echoed.trace_id == kClientTrace);
    CHECK(echoed.span_id != "00f067aa0ba902b7");  // ingest's hop, not the client's
    CHECK(echoed.flags == 0x01);
    json event = ingest.last_event();
    CHECK(event.at("traceparent") == echoed.traceparent());
    CHECK(event.at("tracestate") == "congo=t61rc");
}

TEST_CASE("trace ingest: a malformed or missing traceparent starts a new trace, not a refusal") {
    Ingest ingest;
    for (const char* bad : {"00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "junk"}) {
        CAPTURE(bad);
        auto echoed = ingest.upload({{"traceparent", bad}, {"tracestate", "congo=t61rc"}});
        CHECK(echoed.trace_id != kClientTrace);
        json event = ingest.last_event();
        CHECK(event.at("traceparent") == echoed.traceparent());
        CHECK_FALSE(event.contains("tracestate"));  // it belonged to the refused traceparent
    }
    auto first = ingest.upload({}), second = ingest.upload({});
    CHECK(first.trace_id != second.trace_id);
    CHECK(ingest.last_event().at("traceparent") == second.traceparent());
}

TEST_CASE("trace ingest: a refused upload still answers with its traceparent") {
    Ingest ingest;
    httplib::Client client("127.0.0.1", ingest.server.port());
    auto res =
        client.Post("/v1/images", {{"traceparent", kClientParent}}, "hello, world", "image/jpeg");
    REQUIRE(res);
    CHECK(res->status == 415);
    auto echoed = trace::parse_traceparent(res->get_header_value("traceparent"));
    REQUIRE(echoed);
    CHECK(echoed->trace_id == kClientTrace);
}

TEST_CASE("trace ingest: the upload's log line carries the trace id, image id and request id") {
    test::LogCapture capture;
    Ingest ingest;
    auto echoed = ingest.upload({{"traceparent", kClientParent}});
    auto accepted = capture.with_message("upload accepted");
    REQUIRE(accepted.size() == 1);
    CHECK(accepted[0].at("trace_id") == kClientTrace);
    CHECK(accepted[0].at("span_id") == echoed.span_id);
    CHECK(accepted[0].at("image_id") == ingest.last_event().at("subject"));
    CHECK_FALSE(accepted[0].at("request_id").get<std::string>().empty());
}
