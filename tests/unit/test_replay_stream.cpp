#include <doctest/doctest.h>

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/trace/trace_context.hpp"
#include "replay/replay_decision.hpp"
#include "replay/stream_replay.hpp"

using namespace fotogal;
using namespace fotogal::replay;
using nlohmann::json;

namespace {

std::string upload_event(const std::string& id) {
    events::UploadFacts facts;
    facts.image_id = id;
    facts.object_key = keys::original(id);
    facts.size = 1234;
    facts.sha256 = std::string(64, 'a');
    facts.attributes = {{"album", "holidays"}};
    return events::uploaded_event(facts, "/test").dump();
}

StreamRecord record(const std::string& value, std::int64_t offset = 7,
                    std::optional<std::int64_t> ts = std::nullopt) {
    return {"uploads", 2, offset, ts, value};
}

}  // namespace

TEST_CASE("replay plan: --since starts where the broker says, ends at the marks taken") {
    PlanInputs in;
    in.watermarks = {{0, {10, 100}}, {1, {0, 50}}, {2, {0, 0}}};
    in.since_offsets = {{0, 40}, {1, -1}, {2, -1}};  // -1: nothing that recent
    auto plans = plan_partitions(in);
    REQUIRE(plans.size() == 3);
    CHECK(plans[0].start == 40);
    CHECK(plans[0].end == 100);
    CHECK(plans[1].start == 50);  // nothing to read
    CHECK(plans[1].end == 50);
    CHECK(plans[2].start == plans[2].end);
}

TEST_CASE("replay plan: --until ends early and earliest starts at what retention kept") {
    PlanInputs in;
    in.watermarks = {{0, {10, 100}}, {1, {0, 50}}};
    in.until_offsets = {{0, 60}, {1, -1}};  // -1: every record is before --until
    in.from_offsets = OffsetSpec{true, {}};
    auto plans = plan_partitions(in);
    REQUIRE(plans.size() == 2);
    CHECK(plans[0].start == 10);
    CHECK(plans[0].end == 60);
    CHECK(plans[1].end == 50);
}

TEST_CASE("replay plan: explicit offsets name their partitions, clamped to what exists") {
    PlanInputs in;
    in.watermarks = {{0, {10, 100}}, {1, {0, 50}}, {2, {0, 5}}};
    in.from_offsets = OffsetSpec{false, {{0, 3}, {2, 9}}};
    auto plans = plan_partitions(in);
    REQUIRE(plans.size() == 2);
    CHECK(plans[0].partition == 0);
    CHECK(plans[0].start == 10);  // 3 is gone (retention)
    CHECK(plans[1].partition == 2);
    CHECK(plans[1].start == 5);  // past the end: nothing
    CHECK(plans[1].end == 5);
    in.from_offsets = OffsetSpec{false, {{7, 0}}};
    CHECK_THROWS_AS(plan_partitions(in), ConfigError);
}

TEST_CASE("replay decision: an upload becomes a reprocess event carrying its facts") {
    std::string id = new_image_id();
    SeenImages seen;
    DecisionSettings settings{std::nullopt, true, "/replay"};
    auto d = decide(record(upload_event(id)), settings, seen);
    REQUIRE(std::holds_alternative<Republish>(d));
    const auto& r = std::get<Republish>(d);
    CHECK(r.image_id == id);
    CHECK(r.event.at("type") == "fotogal.image.reprocess");
    CHECK(r.event.at("subject") == id);
    CHECK(r.event.at("source") == "/replay");
    const json& data = r.event.at("data");
    CHECK(data.at("force") == true);
    CHECK(data.at("object_key") == keys::original(id));
    CHECK(data.at("attributes").at("album") == "holidays");
    CHECK(data.at("replayed_from").at("partition") == 2);
    CHECK(data.at("replayed_from").at("offset") == 7);
    // What the worker will read back.
    auto parsed = events::parse_event(r.event.dump());
    REQUIRE(std::holds_alternative<events::ImageRequest>(parsed));
    CHECK(std::get<events::ImageRequest>(parsed).force);
    CHECK(std::get<events::ImageRequest>(parsed).type == "fotogal.image.reprocess");
}

TEST_CASE("replay decision: repeats, non-image records and records after --until are skipped") {
    std::string id = new_image_id();
    SeenImages seen;
    DecisionSettings settings{1000, false, "/replay"};
    CHECK(std::holds_alternative<Republish>(
        decide(record(upload_event(id), 1, 900), settings, seen)));
    CHECK(std::holds_alternative<Skip>(decide(record(upload_event(id), 2, 950), settings, seen)));
    CHECK(std::holds_alternative<Skip>(
        decide(record(upload_event(new_image_id()), 3, 1001), settings, seen)));
    CHECK(std::holds_alternative<Skip>(decide(record("not json"), settings, seen)));
    json output = {{"eventType", "com.oraclecloud.objectstorage.createobject"},
                   {"data", {{"resourceName", "renditions/x/large.jpg"}}}};
    CHECK(std::holds_alternative<Skip>(decide(record(output.dump()), settings, seen)));
    CHECK(seen.size() == 1);
    // Without force the event says so, and the worker skips what is current.
    auto d = decide(record(upload_event(new_image_id())), settings, seen);
    CHECK(std::get<Republish>(d).event.at("data").at("force") == false);
}

TEST_CASE("replay decision: a reprocess event continues the upload's trace, or starts one") {
    std::string id = new_image_id();
    events::UploadFacts facts;
    facts.image_id = id;
    facts.object_key = keys::original(id);
    auto upload_trace = trace::start_trace();
    std::string traced = events::uploaded_event(facts, "/test", upload_trace).dump();
    SeenImages seen;
    DecisionSettings settings{std::nullopt, false, "/replay"};
    auto d = decide(record(traced), settings, seen);
    REQUIRE(std::holds_alternative<Republish>(d));
    auto replayed =
        trace::parse_traceparent(std::get<Republish>(d).event.at("traceparent").get<std::string>());
    REQUIRE(replayed);
    CHECK(replayed->trace_id == upload_trace.trace_id);
    CHECK(replayed->span_id != upload_trace.span_id);  // the replay's own hop

    // An upload event from before tracing: the reprocess event starts a trace.
    auto untraced = decide(record(upload_event(new_image_id())), settings, seen);
    auto started = trace::parse_traceparent(
        std::get<Republish>(untraced).event.at("traceparent").get<std::string>());
    REQUIRE(started);
    CHECK(started->trace_id != upload_trace.trace_id);
}
