// A worker handling S3 event notifications (workers/image_event_handler with
// workers/bucket_event_scope and workers/bucket_object_check): every record of a message is
// handled; only the store's originals/ start work; the same content is processed once, a
// changed one again; a gone object is dropped without a dead letter; a malformed record is
// dead-lettered with its reason while the others are still handled.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>

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

constexpr const char* kIdA = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";
constexpr const char* kIdB = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5c";

json record(const std::string& key, const std::string& bucket = "photos") {
    return {{"eventVersion", "2.2"},
            {"eventSource", "aws:s3"},
            {"eventName", "s3:ObjectCreated:Put"},
            {"s3",
             {{"bucket", {{"name", bucket}}},
              {"object", {{"key", key}, {"eTag", "\"0123\""}, {"sequencer", "1"}}}}}};
}

std::string notification(std::initializer_list<json> records) {
    json list = json::array();
    for (const auto& r : records) list.push_back(r);
    return json{{"Records", list}}.dump();
}

std::uint64_t runs() {
    return metrics::counter("fotogal_pipeline_runs_total", "images run through the pipeline")
        .value();
}

std::uint64_t skipped(const char* reason) {
    return metrics::counter("fotogal_bucket_events_skipped_total", "", {{"reason", reason}})
        .value();
}

struct Fixture {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    test::RecordingPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    worker::HandlerContext ctx{store,   publisher,         recipe, {"results", "dlq"},
                               "/test", {"", "photos", ""}};
    std::int64_t offset = 0;

    void put(const std::string& key, const char* corpus_file) {
        store.put(key, test::read_corpus(corpus_file), "image/jpeg");
    }
    worker::Outcome handle(const std::string& value) {
        return worker::handle_message(ctx, {"uploads", 0, offset++, "key", value});
    }
    std::optional<json> manifest(const std::string& id) {
        auto bytes = store.get(keys::manifest(id));
        if (!bytes) return std::nullopt;
        return json::parse(bytes->begin(), bytes->end());
    }
};

}  // namespace

TEST_CASE("S3 events: a direct upload to originals/<id> is processed as image <id>") {
    Fixture f;
    f.put(keys::original(kIdA), "photos/mei_Canon_EOS_1000D.jpg");
    CHECK(f.handle(notification({record(keys::original(kIdA))})) == worker::Outcome::processed);
    auto m = f.manifest(kIdA);
    REQUIRE(m);
    CHECK(m->at("status") == "processed");
    CHECK(m->at("source").at("key") == keys::original(kIdA));
    auto results = f.publisher.on("results");
    REQUIRE(results.size() == 1);
    CHECK(results[0].key == kIdA);
    CHECK(f.publisher.on("dlq").empty());
}

TEST_CASE("S3 events: every record of a message is handled") {
    Fixture f;
    f.put(keys::original(kIdA), "orientation/Portrait_3.jpg");
    f.put(keys::original(kIdB), "orientation/Landscape_1.jpg");
    auto before = runs();
    CHECK(f.handle(notification({record(keys::original(kIdA)), record(keys::original(kIdB))})) ==
          worker::Outcome::processed);
    CHECK(runs() == before + 2);
    CHECK(f.manifest(kIdA));
    CHECK(f.manifest(kIdB));
}

TEST_CASE("S3 events: objects outside originals/ or in another bucket start nothing") {
    Fixture f;
    f.put("incoming/cat.jpg", "orientation/Portrait_3.jpg");
    f.put(keys::original(kIdA), "orientation/Portrait_3.jpg");
    auto outside = skipped("outside_originals");
    auto other = skipped("other_bucket");
    CHECK(f.handle(notification({record("incoming/cat.jpg"), record("renditions/x/thumb.jpg"),
                                 record(keys::original(kIdA), "someone-elses")})) ==
          worker::Outcome::ignored);
    CHECK(skipped("outside_originals") == outside + 1);
    CHECK(skipped("other_bucket") == other + 1);
    CHECK(f.publisher.sent.empty());
    CHECK_FALSE(f.manifest(kIdA));
}

TEST_CASE("S3 events: the store's key prefix is respected and removed") {
    Fixture f;
    f.ctx.bucket_events.key_prefix = "tenant-1/";
    f.put(keys::original(kIdA), "orientation/Portrait_3.jpg");  // the store adds its prefix
    auto outside = skipped("outside_originals");
    CHECK(f.handle(notification({record(keys::original(kIdA))})) == worker::Outcome::ignored);
    CHECK(skipped("outside_originals") == outside + 1);
    CHECK(f.handle(notification({record("tenant-1/" + keys::original(kIdA))})) ==
          worker::Outcome::processed);
    CHECK(f.manifest(kIdA));
}

TEST_CASE("S3 events: the same content is processed once, a changed content again") {
    Fixture f;
    const std::string key = keys::original(kIdA);
    f.put(key, "orientation/Portrait_3.jpg");
    auto before = runs();
    REQUIRE(f.handle(notification({record(key)})) == worker::Outcome::processed);
    // Written again with the same bytes (a second PUT, a duplicate notification).
    f.put(key, "orientation/Portrait_3.jpg");
    CHECK(f.handle(notification({record(key)})) == worker::Outcome::skipped);
    CHECK(runs() == before + 1);
    // New content under the same key: a new manifest from the new bytes.
    auto old_sha = f.manifest(kIdA)->at("source").at("sha256");
    f.put(key, "orientation/Landscape_1.jpg");
    CHECK(f.handle(notification({record(key)})) == worker::Outcome::processed);
    CHECK(runs() == before + 2);
    CHECK(f.manifest(kIdA)->at("source").at("sha256") != old_sha);
}

TEST_CASE("S3 events: an object that is gone is dropped with a log line, no dead letter") {
    Fixture f;
    auto gone = skipped("object_gone");
    CHECK(f.handle(notification({record(keys::original(kIdA))})) == worker::Outcome::ignored);
    CHECK(skipped("object_gone") == gone + 1);
    CHECK(f.publisher.sent.empty());
    CHECK_FALSE(f.manifest(kIdA));
    // Gone after it was processed (deleted since): still dropped, the manifest left alone.
    f.put(keys::original(kIdB), "orientation/Portrait_3.jpg");
    REQUIRE(f.handle(notification({record(keys::original(kIdB))})) == worker::Outcome::processed);
    f.store.remove(keys::original(kIdB));
    CHECK(f.handle(notification({record(keys::original(kIdB))})) == worker::Outcome::ignored);
    CHECK(skipped("object_gone") == gone + 2);
    CHECK(f.manifest(kIdB)->at("status") == "processed");
}

TEST_CASE("S3 events: a malformed record is dead-lettered, the others still handled") {
    Fixture f;
    f.put(keys::original(kIdA), "orientation/Portrait_3.jpg");
    json broken = record(keys::original(kIdB));
    broken["s3"]["object"].erase("key");
    CHECK(f.handle(notification({broken, record(keys::original(kIdA))})) ==
          worker::Outcome::processed);
    auto dlq = f.publisher.on("dlq");
    REQUIRE(dlq.size() == 1);
    CHECK(dlq[0].value.at("reason").at("code") == "invalid_event");
    CHECK(dlq[0].value.at("reason").at("message").get<std::string>().find("Records[0]") !=
          std::string::npos);
    CHECK(f.manifest(kIdA));
}

TEST_CASE("S3 events: an ambiguous key is read the way the object exists") {
    Fixture f;
    // versitygw sends "originals/a+b.jpg" for the object "originals/a+b.jpg"; AWS would mean
    // "originals/a b.jpg" by it.
    f.put("originals/a+b.jpg", "orientation/Portrait_3.jpg");
    CHECK(f.handle(notification({record("originals/a+b.jpg")})) == worker::Outcome::processed);
    auto m = f.manifest(image_id_for_key("originals/a+b.jpg"));
    REQUIRE(m);
    CHECK(m->at("source").at("key") == "originals/a+b.jpg");
    f.put("originals/c d.jpg", "orientation/Portrait_3.jpg");
    CHECK(f.handle(notification({record("originals/c+d.jpg")})) == worker::Outcome::processed);
    CHECK(f.manifest(image_id_for_key("originals/c d.jpg")));
}

TEST_CASE("S3 events: the server's start-up test record needs no work") {
    Fixture f;
    CHECK(f.handle(R"({"Bucket":"Test-Bucket","Event":"s3:TestEvent","Time":"x"})") ==
          worker::Outcome::ignored);
    CHECK(f.publisher.sent.empty());
}

TEST_CASE("S3 events: the scope comes from the storage URL") {
    auto s3 = worker::bucket_event_scope_for("s3://photos/tenant-1?endpoint=http://h:1", "");
    CHECK(s3.bucket == "photos");
    CHECK(s3.key_prefix == "tenant-1/");
    auto oci = worker::bucket_event_scope_for("oci://ns/pics?region=r", "incoming/");
    CHECK(oci.bucket == "pics");
    CHECK(oci.key_prefix.empty());
    CHECK(oci.dropoff_prefix == "incoming/");
    auto file = worker::bucket_event_scope_for("file:///var/data", "");
    CHECK(file.bucket.empty());
}
