#include <doctest/doctest.h>

#include <algorithm>

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"
#include "workers/image_event_handler.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

struct Fixture {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    test::RecordingPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test"};
    std::int64_t next_offset = 0;

    // Stores a corpus file as an original and returns the uploaded event for it.
    std::string upload(const std::string& corpus_file, std::string* id_out = nullptr) {
        auto bytes = test::read_corpus(corpus_file);
        events::UploadFacts facts;
        facts.image_id = new_image_id();
        facts.object_key = keys::original(facts.image_id);
        store.put(facts.object_key, bytes, "application/octet-stream");
        if (id_out) *id_out = facts.image_id;
        return events::uploaded_event(facts, "/test").dump();
    }

    worker::Outcome handle(const std::string& value) {
        return worker::handle_message(ctx, {"uploads", 0, next_offset++, "key", value});
    }

    json manifest(const std::string& id) {
        auto bytes = store.get(keys::manifest(id));
        REQUIRE(bytes);
        return json::parse(bytes->begin(), bytes->end());
    }
};

std::uint64_t pipeline_runs() {
    return metrics::counter("fotogal_pipeline_runs_total", "images run through the pipeline")
        .value();
}

}  // namespace

TEST_CASE("handler: an upload ends with renditions, a manifest and a processed event") {
    Fixture f;
    std::string id;
    CHECK(f.handle(f.upload("photos/mei_Canon_EOS_1000D.jpg", &id)) == worker::Outcome::processed);
    json m = f.manifest(id);
    CHECK(m.at("status") == "processed");
    CHECK(m.at("recipe_fingerprint") == f.recipe.fingerprint);
    CHECK(m.at("source").at("sha256").get<std::string>().size() == 64);
    REQUIRE(m.at("outputs").size() == f.recipe.renditions.size());
    for (const auto& o : m.at("outputs")) CHECK(f.store.head(o.at("key").get<std::string>()));
    auto results = f.publisher.on("results");
    REQUIRE(results.size() == 1);
    CHECK(results[0].key == id);
    CHECK(results[0].value.at("type") == "fotogal.image.processed");
    CHECK(results[0].value.at("data").at("outputs").size() == f.recipe.renditions.size());
    CHECK(f.publisher.on("dlq").empty());
}

TEST_CASE("handler: a redelivered event is skipped without decoding, its result said again") {
    Fixture f;
    std::string event = f.upload("orientation/Portrait_3.jpg");
    REQUIRE(f.handle(event) == worker::Outcome::processed);
    auto runs = pipeline_runs();
    CHECK(f.handle(event) == worker::Outcome::skipped);
    CHECK(pipeline_runs() == runs);
    CHECK(f.publisher.on("results").size() == 2);
}

TEST_CASE("handler: a changed recipe makes the manifest stale, so the image is redone") {
    Fixture f;
    std::string id, event = f.upload("orientation/Portrait_3.jpg", &id);
    REQUIRE(f.handle(event) == worker::Outcome::processed);
    auto changed = f.recipe.canonical;
    changed["renditions"].push_back(
        {{"name", "tiny"}, {"width", 64}, {"height", 64}, {"fit", "fit"}, {"format", "webp"}});
    f.recipe = pipeline::parse_recipe(changed);
    CHECK(f.handle(event) == worker::Outcome::processed);
    CHECK(f.manifest(id).at("outputs").size() == 5);
    CHECK(f.store.head(keys::rendition(id, "tiny", "webp")));
}

TEST_CASE("handler: an undecodable image fails once: dead letter, failed manifest, event") {
    Fixture f;
    std::string id, event = f.upload("bad/truncated_10000B.jpg", &id);
    CHECK(f.handle(event) == worker::Outcome::failed);
    json m = f.manifest(id);
    CHECK(m.at("status") == "failed");
    CHECK(m.at("reason").at("code") == "truncated");
    CHECK(f.publisher.on("dlq").size() == 1);
    CHECK(f.publisher.on("dlq")[0].value.at("reason").at("code") == "truncated");
    CHECK(f.publisher.on("results").at(0).value.at("type") == "fotogal.image.failed");
    // Delivered again (a crash before the commit): no second dead letter, no loop.
    CHECK(f.handle(event) == worker::Outcome::skipped);
    CHECK(f.publisher.on("dlq").size() == 1);
}

TEST_CASE("handler: events that are not ours go to the dead-letter topic with the reason") {
    Fixture f;
    CHECK(f.handle("not json at all") == worker::Outcome::dead_lettered);
    CHECK(f.handle(R"({"type":"something.else","data":{}})") == worker::Outcome::dead_lettered);
    auto dlq = f.publisher.on("dlq");
    REQUIRE(dlq.size() == 2);
    CHECK(dlq[0].value.at("reason").at("code") == "invalid_event");
    CHECK(dlq[0].value.at("value") == "not json at all");
    CHECK(dlq[0].value.at("source").at("topic") == "uploads");
}

TEST_CASE("handler: an upload whose original is gone fails with a reason") {
    Fixture f;
    std::string id, event = f.upload("formats/bmp24_v5.bmp", &id);
    f.store.remove(keys::original(id));
    CHECK(f.handle(event) == worker::Outcome::failed);
    CHECK(f.manifest(id).at("reason").at("code") == "original_missing");
}

TEST_CASE("handler: bucket events about the pipeline's own outputs are ignored") {
    Fixture f;
    json oci = {{"eventType", "com.oraclecloud.objectstorage.createobject"},
                {"cloudEventsVersion", "0.1"},
                {"data", {{"resourceName", "renditions/x/large.jpg"}}}};
    CHECK(f.handle(oci.dump()) == worker::Outcome::ignored);
    CHECK(f.publisher.sent.empty());
}

TEST_CASE("handler: a bucket event for an object written straight into the bucket is processed") {
    Fixture f;
    f.store.put("incoming/cat.jpg", test::read_corpus("faces/fr_obama.jpg"), "image/jpeg");
    json oci = {{"eventType", "com.oraclecloud.objectstorage.createobject"},
                {"cloudEventsVersion", "0.1"},
                {"eventID", "abc"},
                {"data", {{"resourceName", "incoming/cat.jpg"}}}};
    CHECK(f.handle(oci.dump()) == worker::Outcome::processed);
    json m = f.manifest(image_id_for_key("incoming/cat.jpg"));
    CHECK(m.at("source").at("key") == "incoming/cat.jpg");
}

TEST_CASE("handler: a broker that does not acknowledge makes the event transient, not lost") {
    Fixture f;
    std::string id, event = f.upload("orientation/Landscape_1.jpg", &id);
    f.publisher.fail_next = 1;
    try {
        f.handle(event);
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::transient);
        CHECK(e.code() == "broker_unavailable");
    }
    // Delivered again: the manifest is there, so only the missing result event is sent.
    CHECK(f.handle(event) == worker::Outcome::skipped);
    CHECK(f.publisher.on("results").size() == 1);
}

TEST_CASE("handler: the result event carries the manifest's labels, objects and moderation") {
    Fixture f;
    std::string id;
    CHECK(f.handle(f.upload("faces/fr_two_people.jpg", &id)) == worker::Outcome::processed);
    json m = f.manifest(id);
    const json& labels = m.at("labels");
    CHECK(std::find(labels.begin(), labels.end(), "person") != labels.end());
    CHECK(m.at("held") == false);
    json data = f.publisher.on("results").at(0).value.at("data");
    CHECK(data.at("labels") == labels);
    CHECK(data.at("held") == false);
    CHECK(data.at("objects") == m.at("tags").at("objects"));
    CHECK(data.at("moderation") == m.at("tags").at("moderation"));
}

TEST_CASE("handler: an image moderation holds is processed, marked held, renditions in place") {
    Fixture f;
    json holding = f.recipe.canonical;
    holding["taggers"]["moderation"] = {{"sensitive_above", 0.0}, {"hold_above", 0.0}};
    f.recipe = pipeline::parse_recipe(holding);
    std::string id;
    CHECK(f.handle(f.upload("photos/mei_Nikon_D90.jpg", &id)) == worker::Outcome::processed);
    json m = f.manifest(id);
    CHECK(m.at("held") == true);
    CHECK(m.at("labels").back() == "sensitive");
    // Held is a mark, not a move: every rendition is at its usual key.
    REQUIRE(m.at("outputs").size() == f.recipe.renditions.size());
    for (const auto& o : m.at("outputs")) {
        std::string key = o.at("key").get<std::string>();
        CHECK(key.starts_with(std::string(keys::kRenditionsPrefix) + id + "/"));
        CHECK(f.store.head(key));
    }
    CHECK(f.publisher.on("results").at(0).value.at("data").at("held") == true);
}
