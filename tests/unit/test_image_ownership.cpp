// The image's owner and visibility through the pipeline: the upload event's optional
// `owner`, what the worker records in the manifest and the result event, and what replay
// and backfill keep (common/image_visibility, workers/image_ownership).
#include <doctest/doctest.h>

#include "common/digest.hpp"
#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/image_visibility.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "recording_publisher.hpp"
#include "replay/replay_decision.hpp"
#include "temp_dir.hpp"
#include "worker_with_original.hpp"
#include "workers/image_event_handler.hpp"
#include "workers/image_ownership.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

events::UploadFacts facts_for(const std::string& id, const std::string& owner,
                              std::map<std::string, std::string> attributes = {}) {
    events::UploadFacts f;
    f.image_id = id;
    f.object_key = keys::original(id);
    f.size = 10;
    f.content_type = "image/jpeg";
    f.sha256 = std::string(64, 'a');
    f.uploaded_at = "2026-01-02T03:04:05Z";
    f.attributes = std::move(attributes);
    f.owner = owner;
    return f;
}

events::ImageRequest parsed(const json& event) {
    auto p = events::parse_event(event.dump());
    REQUIRE(std::holds_alternative<events::ImageRequest>(p));
    return std::get<events::ImageRequest>(p);
}

struct Worker : test::WorkerWithOriginal {
    worker::Outcome handle(const json& event) {
        return worker::handle_message(ctx, {"uploads", 0, offset++, id, event.dump()});
    }
    worker::Outcome upload(const std::string& owner, std::map<std::string, std::string> attrs) {
        return handle(events::uploaded_event(facts_for(id, owner, std::move(attrs)), "/ingest"));
    }
    worker::Outcome backfill(bool force) {
        json data = {{"size", 10}, {"backfill", true}};
        return handle(events::reprocess_event(id, keys::original(id), force, data, "/replay"));
    }
    json manifest() {
        auto bytes = store.get(keys::manifest(id));
        REQUIRE(bytes);
        return json::parse(bytes->begin(), bytes->end());
    }
    json last_result() {
        auto results = publisher.on("results");
        REQUIRE_FALSE(results.empty());
        return results.back().value.at("data");
    }
};

}  // namespace

TEST_CASE("ownership: the upload event carries the owner only when there is one") {
    std::string id = new_image_id();
    json owned = events::uploaded_event(facts_for(id, "user-42"), "/ingest");
    CHECK(owned.at("data").at("owner") == "user-42");
    json anonymous = events::uploaded_event(facts_for(id, ""), "/ingest");
    CHECK_FALSE(anonymous.at("data").contains("owner"));

    CHECK(parsed(owned).owner == std::optional<std::string>("user-42"));
    CHECK_FALSE(parsed(anonymous).owner.has_value());
}

TEST_CASE("ownership: an event from before ownership existed still parses, without an owner") {
    std::string id = new_image_id();
    // An upload event exactly as the previous ingest wrote it: no owner field.
    json old = json::parse(R"({"specversion":"1.0","id":"e1","source":"/ingest",
      "type":"fotogal.image.uploaded","time":"2026-01-01T00:00:00Z","subject":")" +
                           id + R"(","datacontenttype":"application/json","data":{"image_id":")" +
                           id + R"(","object_key":"originals/)" + id +
                           R"(","size":5,"content_type":"image/jpeg","sha256":"ab",
      "uploaded_at":"2026-01-01T00:00:00Z","width":1,"height":1,"attributes":{}}})");
    events::ImageRequest r = parsed(old);
    CHECK(r.image_id == id);
    CHECK_FALSE(r.owner.has_value());
    CHECK(events::carries_upload_facts(r));
}

TEST_CASE("ownership: an owner that is not a non-empty string makes the event invalid") {
    std::string id = new_image_id();
    json e = events::uploaded_event(facts_for(id, "u"), "/ingest");
    for (json bad : {json(42), json(""), json::object(), json(nullptr)}) {
        e["data"]["owner"] = bad;
        auto p = events::parse_event(e.dump());
        REQUIRE(std::holds_alternative<events::Invalid>(p));
        CHECK(std::get<events::Invalid>(p).reason.find("owner") != std::string::npos);
    }
}

TEST_CASE("ownership: visibility from the upload's owner and attributes") {
    json none = json::object();
    json asks_public = {{"visibility", "public"}};
    json asks_other = {{"visibility", "friends"}};
    CHECK(upload_visibility(std::nullopt, none) == "public");  // anonymous (FOTOGAL_AUTH=none)
    CHECK(upload_visibility(std::nullopt, asks_other) == "public");
    CHECK(upload_visibility("u1", none) == "private");
    CHECK(upload_visibility("u1", asks_other) == "private");
    CHECK(upload_visibility("u1", asks_public) == "public");
    CHECK(upload_visibility("u1", json::array()) == "private");
}

TEST_CASE("ownership: what a stored record says, old records included") {
    CHECK(recorded_visibility(json::object()) == "public");  // before ownership existed
    CHECK(recorded_visibility({{"owner", "u1"}}) == "private");
    CHECK(recorded_visibility({{"owner", "u1"}, {"visibility", "public"}}) == "public");
    CHECK(recorded_visibility({{"visibility", "PUBLIC"}}) == "private");  // unknown: closed
    CHECK(recorded_visibility({{"visibility", 1}}) == "private");
    CHECK(recorded_owner({{"owner", "u1"}}) == std::optional<std::string>("u1"));
    CHECK_FALSE(recorded_owner({{"owner", 7}}).has_value());
    CHECK_FALSE(recorded_owner(json::object()).has_value());
}

TEST_CASE("ownership: which events carry upload facts") {
    std::string id = new_image_id();
    json upload = events::uploaded_event(facts_for(id, "u1"), "/ingest");
    CHECK(events::carries_upload_facts(parsed(upload)));
    json backfill = events::reprocess_event(id, keys::original(id), false,
                                            {{"size", 1}, {"backfill", true}}, "/replay");
    CHECK_FALSE(events::carries_upload_facts(parsed(backfill)));
    CHECK_FALSE(worker::ownership_from_event(parsed(backfill)).has_value());
}

TEST_CASE("ownership: replay copies the owner and attributes into the reprocess event") {
    std::string id = new_image_id();
    json upload =
        events::uploaded_event(facts_for(id, "user-7", {{"visibility", "public"}}), "/ingest");
    std::string value = upload.dump();
    replay::SeenImages seen;
    auto d = replay::decide({"fotogal.uploads", 0, 3, std::nullopt, value}, {}, seen);
    REQUIRE(std::holds_alternative<replay::Republish>(d));
    json event = std::get<replay::Republish>(d).event;
    CHECK(event.at("type") == "fotogal.image.reprocess");
    CHECK(event.at("data").at("owner") == "user-7");
    auto o = worker::ownership_from_event(parsed(event));
    REQUIRE(o);
    CHECK(o->owner == std::optional<std::string>("user-7"));
    CHECK(o->visibility == "public");
}

TEST_CASE("worker: an owner's upload is private in the manifest and the result event") {
    Worker w;
    REQUIRE(w.upload("user-42", {{"album", "x"}}) == worker::Outcome::processed);
    json m = w.manifest();
    CHECK(m.at("owner") == "user-42");
    CHECK(m.at("visibility") == "private");
    json r = w.last_result();
    CHECK(r.at("owner") == "user-42");
    CHECK(r.at("visibility") == "private");
}

TEST_CASE("worker: visibility=public and anonymous uploads are public; no owner field") {
    Worker w;
    REQUIRE(w.upload("user-42", {{"visibility", "public"}}) == worker::Outcome::processed);
    CHECK(w.manifest().at("visibility") == "public");
    CHECK(w.manifest().at("owner") == "user-42");

    Worker anon;
    REQUIRE(anon.upload("", {}) == worker::Outcome::processed);
    json m = anon.manifest();
    CHECK(m.at("visibility") == "public");
    CHECK_FALSE(m.contains("owner"));
    CHECK_FALSE(anon.last_result().contains("owner"));
    CHECK(anon.last_result().at("visibility") == "public");
}

TEST_CASE("worker: a forced backfill keeps the owner and visibility of the earlier manifest") {
    Worker w;
    REQUIRE(w.upload("user-42", {}) == worker::Outcome::processed);
    REQUIRE(w.backfill(/*force=*/true) == worker::Outcome::processed);
    json m = w.manifest();
    CHECK(m.at("owner") == "user-42");
    CHECK(m.at("visibility") == "private");
    CHECK(w.last_result().at("owner") == "user-42");
    CHECK(w.publisher.on("results").size() == 2);  // it really was processed again
}

TEST_CASE("worker: a backfill of a stale manifest keeps its owner too") {
    Worker w;
    REQUIRE(w.upload("user-42", {{"visibility", "public"}}) == worker::Outcome::processed);
    json stale = w.manifest();
    stale["recipe_fingerprint"] = "an-older-recipe";
    std::string text = stale.dump();
    w.store.put(keys::manifest(w.id),
                std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                "application/json");
    REQUIRE(w.backfill(/*force=*/false) == worker::Outcome::processed);
    json m = w.manifest();
    CHECK(m.at("recipe_fingerprint") == w.recipe.fingerprint);
    CHECK(m.at("owner") == "user-42");
    CHECK(m.at("visibility") == "public");
}

TEST_CASE("worker: a backfill with no earlier manifest and a failed image keep the rules") {
    Worker w;
    REQUIRE(w.backfill(false) == worker::Outcome::processed);
    CHECK(w.manifest().at("visibility") == "public");  // nobody is known to own it
    CHECK_FALSE(w.manifest().contains("owner"));

    Worker broken;
    broken.store.put(keys::original(broken.id), test::read_corpus("bad/truncated_10000B.jpg"),
                     "image/jpeg");
    REQUIRE(broken.upload("user-9", {}) == worker::Outcome::failed);
    CHECK(broken.manifest().at("owner") == "user-9");
    CHECK(broken.manifest().at("visibility") == "private");
    CHECK(broken.last_result().at("owner") == "user-9");
}

TEST_CASE("worker: an unreadable earlier manifest keeps the image private to nobody") {
    auto o = worker::ownership_without_facts(std::string("not json"));
    CHECK_FALSE(o.owner.has_value());
    CHECK(o.visibility == "private");
    CHECK(worker::ownership_without_facts(std::nullopt).visibility == "public");
}

TEST_CASE("worker: every output in the manifest records the SHA-256 of its stored bytes") {
    Worker w;
    REQUIRE(w.upload("", {}) == worker::Outcome::processed);
    json m = w.manifest();
    REQUIRE_FALSE(m.at("outputs").empty());
    for (const auto& o : m.at("outputs")) {
        auto bytes = w.store.get(o.at("key").get<std::string>());
        REQUIRE(bytes);
        CHECK(o.at("sha256") == sha256_hex(*bytes));
    }
}
