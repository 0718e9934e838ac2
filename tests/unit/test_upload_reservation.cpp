// Who owns a direct upload: the reservation POST /v1/uploads writes (common/upload_reservation),
// how the worker reads it for a bucket event about originals/<id> (workers/upload_reservation),
// and its place after an earlier manifest (workers/image_ownership): manifest, then
// reservation, then anonymous and public.
#include <doctest/doctest.h>

#include "common/config.hpp"
#include "common/events/event_types.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "common/upload_reservation.hpp"
#include "corpus.hpp"
#include "log_capture.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"
#include "worker_with_original.hpp"
#include "workers/bucket_event_scope.hpp"
#include "workers/image_event_handler.hpp"
#include "workers/image_ownership.hpp"
#include "workers/upload_reservation.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

UploadReservation reservation_for(const std::string& id, std::optional<std::string> owner,
                                  std::string visibility) {
    return {id,    std::move(owner),          std::move(visibility), "image/jpeg",
            12345, "2026-12-07T11:30:00.000Z"};
}

void put_text(storage::ObjectStore& store, const std::string& key, const std::string& text) {
    store.put(key, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
              "application/json");
}

// A worker whose bucket holds one original that arrives by the bucket's own event.
struct Bucket : test::WorkerWithOriginal {
    void reserve(const UploadReservation& r) {
        put_text(store, keys::reservation(r.image_id), reservation_json(r).dump());
    }
    // The S3 notification a PUT to the presigned URL (or of any `key`) raises.
    worker::Outcome s3_event(const std::string& key = "") {
        json record = {{"eventVersion", "2.2"},
                       {"eventSource", "aws:s3"},
                       {"eventName", "s3:ObjectCreated:Put"},
                       {"s3",
                        {{"bucket", {{"name", "photos"}}},
                         {"object",
                          {{"key", key.empty() ? keys::original(id) : key},
                           {"eTag", "\"0123\""},
                           {"sequencer", "1"}}}}}};
        return handle(json{{"Records", json::array({record})}});
    }
    // The OCI createobject CloudEvent a PUT through a pre-authenticated request raises.
    worker::Outcome oci_event(const std::string& key) {
        return handle({{"eventType", "com.oraclecloud.objectstorage.createobject"},
                       {"cloudEventsVersion", "0.1"},
                       {"eventID", "ev-" + std::to_string(offset)},
                       {"data", {{"resourceName", key}}}});
    }
    worker::Outcome handle(const json& event) {
        return worker::handle_message(ctx, {"uploads", 0, offset++, id, event.dump()});
    }
    json manifest() {
        auto bytes = store.get(keys::manifest(id));
        REQUIRE(bytes);
        return json::parse(bytes->begin(), bytes->end());
    }
};

}  // namespace

TEST_CASE("reservation: the JSON ingest writes reads back as written") {
    auto owned = reservation_for("018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b", "alice", "private");
    json written = reservation_json(owned);
    CHECK(written.at("owner") == "alice");
    CHECK(written.at("max_bytes") == 12345);
    auto back = parse_reservation(written.dump());
    REQUIRE(back);
    CHECK(back->image_id == owned.image_id);
    CHECK(back->owner == std::optional<std::string>("alice"));
    CHECK(back->visibility == "private");
    CHECK(back->content_type == "image/jpeg");
    CHECK(back->max_bytes == 12345);
    CHECK(back->expires_at == "2026-12-07T11:30:00.000Z");

    // Anonymous: no owner field at all, as in a manifest.
    json anonymous = reservation_json(reservation_for(owned.image_id, std::nullopt, "public"));
    CHECK_FALSE(anonymous.contains("owner"));
    auto anon_back = parse_reservation(anonymous.dump());
    REQUIRE(anon_back);
    CHECK_FALSE(anon_back->owner.has_value());
}

TEST_CASE("reservation: text that is not a reservation is refused, never read as no owner") {
    json good = reservation_json(reservation_for(new_image_id(), "alice", "private"));
    CHECK_FALSE(parse_reservation("not json"));
    CHECK_FALSE(parse_reservation(""));
    CHECK_FALSE(parse_reservation("[1,2]"));
    CHECK_FALSE(parse_reservation(good.dump().substr(0, 40)));  // cut short
    for (const char* field :
         {"image_id", "visibility", "content_type", "max_bytes", "expires_at"}) {
        CAPTURE(field);
        json missing = good;
        missing.erase(field);
        CHECK_FALSE(parse_reservation(missing.dump()));
    }
    for (json owner : {json(42), json(""), json(nullptr)}) {
        json bad = good;
        bad["owner"] = owner;
        CHECK_FALSE(parse_reservation(bad.dump()));
    }
    json negative = good;
    negative["max_bytes"] = -1;
    CHECK_FALSE(parse_reservation(negative.dump()));
}

TEST_CASE("ownership precedence: earlier manifest, then reservation, then anonymous public") {
    const worker::Ownership reserved{"alice", "private"};
    const std::string manifest = R"({"owner": "bob", "visibility": "public"})";

    auto from_manifest = worker::ownership_without_facts(manifest, reserved);
    CHECK(from_manifest.owner == std::optional<std::string>("bob"));
    CHECK(from_manifest.visibility == "public");

    auto from_reservation = worker::ownership_without_facts(std::nullopt, reserved);
    CHECK(from_reservation.owner == std::optional<std::string>("alice"));
    CHECK(from_reservation.visibility == "private");

    auto nobody = worker::ownership_without_facts(std::nullopt, std::nullopt);
    CHECK_FALSE(nobody.owner.has_value());
    CHECK(nobody.visibility == "public");

    // An unreadable manifest still wins over the reservation: private to nobody.
    auto unreadable = worker::ownership_without_facts(std::string("not json"), reserved);
    CHECK_FALSE(unreadable.owner.has_value());
    CHECK(unreadable.visibility == "private");
}

TEST_CASE("reservation: the worker reads it as a manifest's owner and visibility") {
    const std::string id = new_image_id();
    auto text = [&](std::optional<std::string> owner, std::string visibility) {
        return reservation_json(reservation_for(id, std::move(owner), std::move(visibility)))
            .dump();
    };
    auto pub = worker::ownership_from_reservation(text("alice", "public"), id);
    REQUIRE(pub);
    CHECK(pub->owner == std::optional<std::string>("alice"));
    CHECK(pub->visibility == "public");
    auto unknown = worker::ownership_from_reservation(text("alice", "friends"), id);
    REQUIRE(unknown);
    CHECK(unknown->visibility == "private");  // never opened up by a value it does not know
    CHECK_FALSE(worker::ownership_from_reservation(text("alice", "private"), new_image_id()));
    CHECK_FALSE(worker::ownership_from_reservation("{", id));
}

TEST_CASE("worker: a direct upload's bucket event records the reservation's owner") {
    Bucket s3;
    s3.reserve(reservation_for(s3.id, "alice", "private"));
    REQUIRE(s3.s3_event() == worker::Outcome::processed);
    CHECK(s3.manifest().at("owner") == "alice");
    CHECK(s3.manifest().at("visibility") == "private");
    auto results = s3.publisher.on("results");
    REQUIRE(results.size() == 1);
    CHECK(results[0].value.at("data").at("owner") == "alice");

    Bucket oci;
    oci.reserve(reservation_for(oci.id, "bob", "public"));
    REQUIRE(oci.oci_event(keys::original(oci.id)) == worker::Outcome::processed);
    CHECK(oci.manifest().at("owner") == "bob");
    CHECK(oci.manifest().at("visibility") == "public");

    Bucket none;  // written straight into the bucket: nobody is known to own it
    REQUIRE(none.oci_event(keys::original(none.id)) == worker::Outcome::processed);
    CHECK_FALSE(none.manifest().contains("owner"));
    CHECK(none.manifest().at("visibility") == "public");
}

TEST_CASE("worker: a reprocess keeps the manifest's owner whatever the reservation says") {
    Bucket b;
    b.reserve(reservation_for(b.id, "alice", "private"));
    REQUIRE(b.s3_event() == worker::Outcome::processed);
    b.reserve(reservation_for(b.id, "mallory", "public"));  // rewritten later
    json force = {{"size", 10}, {"backfill", true}};
    REQUIRE(b.handle(events::reprocess_event(b.id, keys::original(b.id), true, force, "/replay")) ==
            worker::Outcome::processed);
    CHECK(b.manifest().at("owner") == "alice");
    CHECK(b.manifest().at("visibility") == "private");
}

TEST_CASE("worker: an unreadable reservation keeps the image private to nobody, logged") {
    Bucket b;
    put_text(b.store, keys::reservation(b.id), "{\"image_id\": ");
    test::LogCapture captured;
    REQUIRE(b.s3_event() == worker::Outcome::processed);
    CHECK_FALSE(b.manifest().contains("owner"));
    CHECK(b.manifest().at("visibility") == "private");
    bool logged = false;
    for (const auto& line : captured.lines())
        logged = logged ||
                 (line.value("msg", "").find("reservation is unreadable") != std::string::npos &&
                  line.value("key", "") == keys::reservation(b.id));
    CHECK(logged);
}

TEST_CASE("bucket events: a reservation written into the bucket starts no work") {
    Bucket b;
    const std::string key = keys::reservation(b.id);
    b.reserve(reservation_for(b.id, "alice", "private"));
    CHECK(b.oci_event(key) == worker::Outcome::ignored);
    CHECK(b.s3_event(key) == worker::Outcome::ignored);
    CHECK_FALSE(b.store.get(keys::manifest(b.id)));
    CHECK(b.publisher.sent.empty());

    // Whatever the drop-off prefix, and under a store's key prefix too.
    for (std::string prefix : {"incoming/", ""}) {
        CAPTURE(prefix);
        CHECK(worker::bucket_event_out_of_scope(worker::BucketEventScope{prefix}, key));
        events::ImageRequest oci;
        oci.type = std::string(events::kOciCreateObject);
        oci.object_key = "photos/" + key;
        CHECK_FALSE(
            worker::admit_bucket_event(worker::BucketEventScope{prefix, "b", "photos/"}, oci));
    }
    CHECK_THROWS_AS(worker::validate_dropoff_prefix("reservations/"), ConfigError);
}
