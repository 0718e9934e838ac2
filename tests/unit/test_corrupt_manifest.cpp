// A manifest in the bucket that is not a manifest (not JSON, or fields of the wrong type)
// makes the skip check throw for that image: the event is poison. Through the real
// consumer loop on librdkafka's mock cluster with the real image handler: it is dead-lettered
// once, with the reason and the command that redoes the image, and the events after it on the
// same partition are processed and committed.
#include <doctest/doctest.h>

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "loop_harness.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"
#include "workers/image_event_handler.hpp"

using namespace fotogal;
using namespace fotogal::test;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

struct Bucket {
    TempDir dir;
    storage::FileStore store{dir.path()};
    RecordingPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test"};

    // Stores a small corpus photo as an original; returns {image id, uploaded event}.
    std::pair<std::string, std::string> upload() {
        auto bytes = read_corpus("orientation/Landscape_1.jpg");
        events::UploadFacts facts;
        facts.image_id = new_image_id();
        facts.object_key = keys::original(facts.image_id);
        store.put(facts.object_key, bytes, "image/jpeg");
        return {facts.image_id, events::uploaded_event(facts, "/test").dump()};
    }
    void put_manifest(const std::string& id, const std::string& text) {
        store.put(keys::manifest(id),
                  std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                  "application/json");
    }
};

}  // namespace

TEST_CASE("corrupt manifest: the handler calls the event poison, naming the manifest") {
    Bucket b;
    for (std::string text : {std::string("{not json"), json{{"recipe_fingerprint", 42}}.dump(),
                             json{{"recipe_fingerprint", b.recipe.fingerprint}}.dump()}) {
        CAPTURE(text);
        auto [id, event] = b.upload();
        b.put_manifest(id, text);
        try {
            worker::handle_message(b.ctx, {"uploads", 0, 0, id, event});
            FAIL("no error");
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::poison);
            CHECK(e.code() == "corrupt_manifest");
            CHECK(std::string(e.what()).find(keys::manifest(id)) != std::string::npos);
        }
    }
}

TEST_CASE("corrupt manifest: dead-lettered once through the loop, the partition goes on") {
    Bucket b;
    std::vector<std::pair<std::string, std::string>> records;
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
        auto [id, event] = b.upload();
        ids.push_back(id);
        records.emplace_back(id, event);
    }
    b.put_manifest(ids[1], "{\"status\": \"processed\", \"recipe_fingerprint\": ");  // cut short
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce_records(kTopic, records, 0);
    std::atomic<int> attempts_on_corrupt{0};
    LoopRun run(
        cluster,
        [&](const worker::IncomingMessage& m) {
            if (m.key == ids[1]) ++attempts_on_corrupt;
            worker::handle_message(b.ctx, m);
        },
        [&](const worker::IncomingMessage& m, const Error& last,
            const worker::AttemptHistory& history) {
            worker::dead_letter_event(b.ctx, m, last, history);
        },
        1, 10s, {5, 5ms, 20ms});
    auto deadline = std::chrono::steady_clock::now() + 120s;
    while (std::chrono::steady_clock::now() < deadline &&
           !(all_committed(cluster, 1) && b.publisher.on("results").size() == 2))
        std::this_thread::sleep_for(50ms);
    CHECK(all_committed(cluster, 1));
    CHECK(run.stop() == 0);
    CHECK(attempts_on_corrupt == 1);  // poison: not retried
    auto dlq = b.publisher.on("dlq");
    REQUIRE(dlq.size() == 1);
    const json& record = dlq[0].value;
    CHECK(record.at("reason").at("code") == "corrupt_manifest");
    CHECK(record.at("reason").at("kind") == "poison");
    CHECK(record.at("image_id") == ids[1]);
    CHECK(record.at("attempts").size() == 1);
    CHECK(record.at("source").at("offset") == 1);
    CHECK(record.at("replay") ==
          "fotogal-replay --backfill --prefix '" + keys::original(ids[1]) + "' --force");
    auto results = b.publisher.on("results");
    REQUIRE(results.size() == 2);
    CHECK(results[0].key == ids[0]);
    CHECK(results[1].key == ids[2]);
    CHECK(b.store.head(keys::manifest(ids[2])));
}
