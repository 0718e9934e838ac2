// The worker's side of a replay: reprocess events skip what is current without decoding or
// writing anything, unless they say force.
#include <doctest/doctest.h>

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

std::uint64_t decoded() {
    return metrics::counter("fotogal_images_decoded_total",
                            "images whose pixels the pipeline decoded")
        .value();
}

struct Fixture {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    test::RecordingPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test"};
    std::string id = new_image_id();

    Fixture() {
        store.put(keys::original(id), test::read_corpus("orientation/Landscape_1.jpg"),
                  "image/jpeg");
    }
    worker::Outcome reprocess(bool force) {
        json event = events::reprocess_event(id, keys::original(id), force, {}, "/replay");
        return worker::handle_message(ctx, {"reprocess", 0, 0, id, event.dump()});
    }
    std::string manifest_text() {
        auto bytes = store.get(keys::manifest(id));
        REQUIRE(bytes);
        return std::string(bytes->begin(), bytes->end());
    }
};

}  // namespace

TEST_CASE("reprocess: a current manifest means skip: no decode, no writes, no result event") {
    Fixture f;
    auto before = decoded();
    REQUIRE(f.reprocess(false) == worker::Outcome::processed);
    CHECK(decoded() == before + 1);
    std::string manifest = f.manifest_text();
    auto results = f.publisher.on("results").size();
    CHECK(f.reprocess(false) == worker::Outcome::skipped);
    CHECK(decoded() == before + 1);
    CHECK(f.manifest_text() == manifest);  // not rewritten: same timings, same bytes
    CHECK(f.publisher.on("results").size() == results);
}

TEST_CASE("reprocess: force redoes a current image") {
    Fixture f;
    REQUIRE(f.reprocess(false) == worker::Outcome::processed);
    auto before = decoded();
    CHECK(f.reprocess(true) == worker::Outcome::processed);
    CHECK(decoded() == before + 1);
}

TEST_CASE("reprocess: an image that fails before decoding is not counted as decoded") {
    Fixture f;
    f.store.put(keys::original(f.id), test::read_corpus("bad/truncated_10000B.jpg"), "image/jpeg");
    auto before = decoded();
    CHECK(f.reprocess(true) == worker::Outcome::failed);
    CHECK(decoded() == before);
}
