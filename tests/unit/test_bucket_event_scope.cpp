// workers/bucket_event_scope.hpp: bucket events start work only for objects under the drop-off
// prefix, never for the keys ingest and the pipeline write themselves (originals/,
// renditions/, manifests/, reservations/), and a skipped event is logged and counted.
#include <doctest/doctest.h>

#include <string>

#include "common/config.hpp"
#include "common/events/event_types.hpp"
#include "common/events/image_events.hpp"
#include "common/metrics.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"
#include "workers/bucket_event_scope.hpp"
#include "workers/image_event_handler.hpp"

namespace {

using fotogal::worker::bucket_event_out_of_scope;
using fotogal::worker::BucketEventScope;
namespace ev = fotogal::events;

std::uint64_t skipped(const char* reason) {
    return fotogal::metrics::counter("fotogal_bucket_events_skipped_total", "",
                                     {{"reason", reason}})
        .value();
}

ev::ImageRequest bucket_event(const std::string& key) {
    ev::ImageRequest r;
    r.event_id = "ev-1";
    r.type = std::string(ev::kOciCreateObject);
    r.object_key = key;
    return r;
}

}  // namespace

TEST_CASE("bucket event scope: only keys under the drop-off prefix are in scope") {
    BucketEventScope scope{"incoming/"};
    CHECK_FALSE(bucket_event_out_of_scope(scope, "incoming/cat.jpg"));
    CHECK_FALSE(bucket_event_out_of_scope(scope, "incoming/2026/11/dog.heic"));
    auto outside = bucket_event_out_of_scope(scope, "uploads/cat.jpg");
    REQUIRE(outside);
    CHECK(outside->find("drop-off prefix 'incoming/'") != std::string::npos);
    CHECK(bucket_event_out_of_scope(scope, "incoming"));  // the prefix itself needs its slash
}

TEST_CASE("bucket event scope: the pipeline's own keys are never in scope, whatever the prefix") {
    for (std::string prefix : {"incoming/", ""}) {
        BucketEventScope scope{prefix};
        CAPTURE(prefix);
        for (const char* key : {"originals/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b",
                                "renditions/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b/thumb.jpg",
                                "manifests/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b.json",
                                "reservations/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b.json"}) {
            CAPTURE(key);
            auto reason = bucket_event_out_of_scope(scope, key);
            REQUIRE(reason);
            CHECK(reason->find("pipeline's own key") != std::string::npos);
        }
    }
    // With no drop-off prefix (the default) every other key is in scope, as DESIGN.md's
    // "images written straight into the bucket are processed too" asks.
    CHECK(BucketEventScope{}.dropoff_prefix.empty());
    CHECK_FALSE(bucket_event_out_of_scope(BucketEventScope{}, "photos/cat.jpg"));
}

TEST_CASE("bucket event scope: a drop-off prefix inside the pipeline's layout is refused") {
    CHECK_THROWS_AS(fotogal::worker::validate_dropoff_prefix("originals/"), fotogal::ConfigError);
    CHECK_THROWS_AS(fotogal::worker::validate_dropoff_prefix("renditions/x/"),
                    fotogal::ConfigError);
    CHECK_THROWS_AS(fotogal::worker::validate_dropoff_prefix("manifests/"), fotogal::ConfigError);
    CHECK_NOTHROW(fotogal::worker::validate_dropoff_prefix("incoming/"));
    CHECK_NOTHROW(fotogal::worker::validate_dropoff_prefix(""));
}

TEST_CASE("bucket event scope: a skipped bucket event is counted; our own events always pass") {
    BucketEventScope scope{"incoming/"};
    auto pipeline_before = skipped("pipeline_key");
    auto outside_before = skipped("outside_dropoff");

    auto rendition = bucket_event("renditions/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b/thumb.jpg");
    CHECK_FALSE(fotogal::worker::admit_bucket_event(scope, rendition));
    CHECK(skipped("pipeline_key") == pipeline_before + 1);
    auto not_an_id = bucket_event("originals/cat.jpg");
    CHECK_FALSE(fotogal::worker::admit_bucket_event(scope, not_an_id));
    CHECK(skipped("pipeline_key") == pipeline_before + 2);
    // A direct upload through a pre-authenticated request: originals/<image id>.
    auto original = bucket_event("originals/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b");
    CHECK(fotogal::worker::admit_bucket_event(scope, original));
    CHECK(original.image_id == "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b");

    auto elsewhere = bucket_event("elsewhere/cat.jpg");
    CHECK_FALSE(fotogal::worker::admit_bucket_event(scope, elsewhere));
    CHECK(skipped("outside_dropoff") == outside_before + 1);

    auto incoming = bucket_event("incoming/cat.jpg");
    CHECK(fotogal::worker::admit_bucket_event(scope, incoming));
    // An upload event names its original under originals/: it is ingest's own announcement.
    ev::ImageRequest upload = bucket_event("originals/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b");
    upload.type = std::string(ev::kUploaded);
    CHECK(fotogal::worker::admit_bucket_event(scope, upload));
    CHECK(skipped("pipeline_key") == pipeline_before + 2);
    CHECK(skipped("outside_dropoff") == outside_before + 1);
}

TEST_CASE(
    "bucket event scope: an OCI event for originals/<id> (a direct upload) is processed once") {
    fotogal::test::TempDir dir;
    fotogal::storage::FileStore store{dir.path()};
    fotogal::test::RecordingPublisher publisher;
    auto recipe = fotogal::pipeline::default_recipe();
    fotogal::worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test"};
    const std::string key = "originals/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";
    store.put(key, fotogal::test::read_corpus("faces/fr_obama.jpg"), "image/jpeg");
    nlohmann::json oci = {{"eventType", "com.oraclecloud.objectstorage.createobject"},
                          {"cloudEventsVersion", "0.1"},
                          {"eventID", "abc"},
                          {"data", {{"resourceName", key}}}};
    CHECK(fotogal::worker::handle_message(ctx, {"uploads", 0, 7, "k", oci.dump()}) ==
          fotogal::worker::Outcome::processed);
    auto manifest = store.get("manifests/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b.json");
    REQUIRE(manifest);
    CHECK(publisher.sent.size() == 1);  // the result event
    // The same object again (ingest's own announcement and the bucket's event, or a
    // redelivery): the manifest was made from this content, nothing is made twice.
    CHECK(fotogal::worker::handle_message(ctx, {"uploads", 0, 8, "k", oci.dump()}) ==
          fotogal::worker::Outcome::skipped);
    CHECK(store.get("manifests/018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b.json") == manifest);
}
