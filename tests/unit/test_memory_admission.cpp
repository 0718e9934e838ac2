#include <doctest/doctest.h>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "temp_dir.hpp"
#include "workers/image_event_handler.hpp"
#include "workers/pipeline/memory_admission.hpp"
#include "workers/pipeline/memory_estimate.hpp"
#include "workers/pipeline/pipeline.hpp"
#include "workers/pipeline/processing_error.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

constexpr const char* kPhoto = "photos/mei_Canon_EOS_1000D.jpg";  // 3888 x 2592

// Records what the handler publishes from several threads at once.
class LockedPublisher final : public kafka::EventPublisher {
  public:
    kafka::Delivery send(const std::string& topic, std::string_view,
                         std::string_view value) override {
        std::lock_guard lock(mutex_);
        sent_.emplace_back(topic, json::parse(value));
        return {true, "", 0, static_cast<std::int64_t>(sent_.size())};
    }
    std::vector<json> on(const std::string& topic) {
        std::lock_guard lock(mutex_);
        std::vector<json> out;
        for (const auto& [t, v] : sent_)
            if (t == topic) out.push_back(v);
        return out;
    }

  private:
    std::mutex mutex_;
    std::vector<std::pair<std::string, json>> sent_;
};

// Counts the images inside run_pipeline at once, independently of the budget's own books.
struct InFlight {
    std::atomic<int> now{0}, most{0};
    void enter() {
        int n = ++now;
        for (int m = most.load(); n > m && !most.compare_exchange_weak(m, n);) {
        }
    }
    void leave() { --now; }
};

}  // namespace

TEST_CASE("admission: many large images in flight under a small budget never exceed it") {
    auto bytes = test::read_corpus(kPhoto);
    pipeline::Recipe recipe = pipeline::default_recipe();
    std::uint64_t each = pipeline::admission_bytes(bytes, recipe);
    CHECK(each > 20ull << 20);  // a 10 MP photo's peak is tens of MiB, far more than its bytes
    // Room for two of them at a time, not three.
    MemoryBudget budget(each * 5 / 2);
    InFlight in_flight;
    std::atomic<int> processed{0};
    std::vector<std::jthread> threads;
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&] {
            MemoryBudget::Reservation reserved = pipeline::admit(budget, bytes, recipe);
            pipeline::Job job(bytes, recipe);
            in_flight.enter();
            pipeline::run_pipeline(job);
            in_flight.leave();
            if (job.outputs.size() == recipe.renditions.size()) ++processed;
        });
    threads.clear();
    CHECK(processed == 8);
    CHECK(in_flight.most.load() <= 2);
    CHECK(budget.peak_holders() <= 2);
    CHECK(budget.peak_in_use() <= budget.total());
    CHECK(budget.in_use() == 0);
}

TEST_CASE("admission: an image larger than the whole budget fails at once with its reason") {
    auto bytes = test::read_corpus(kPhoto);
    pipeline::Recipe recipe = pipeline::default_recipe();
    MemoryBudget budget(16ull << 20);
    try {
        pipeline::admit(budget, bytes, recipe);
        FAIL("admitted an image larger than the budget");
    } catch (const pipeline::ProcessingError& e) {
        CHECK(e.code() == "over_memory_budget");
        CHECK(std::string(e.what()).starts_with("needs ~"));
        CHECK(std::string(e.what()).find("the worker's budget is 16 MiB") != std::string::npos);
    }
    CHECK(budget.in_use() == 0);
}

TEST_CASE("admission: files the pipeline refuses before decoding reserve only their bytes") {
    pipeline::Recipe recipe = pipeline::default_recipe();
    std::vector<std::uint8_t> junk(1000, 'x');
    CHECK(pipeline::admission_bytes(junk, recipe) == 1000 + pipeline::kPerImageOverhead);
    recipe.limits.max_pixels = 1000;  // the limits step refuses it with too_many_pixels
    auto bytes = test::read_corpus(kPhoto);
    CHECK(pipeline::admission_bytes(bytes, recipe) == bytes.size() + pipeline::kPerImageOverhead);
}

TEST_CASE("admission in the worker's handler: budget respected, over-budget image failed") {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    LockedPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    auto bytes = test::read_corpus(kPhoto);
    std::uint64_t each = pipeline::admission_bytes(bytes, recipe);
    MemoryBudget budget(each * 5 / 2);
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test", {}, &budget};

    std::vector<std::string> events;
    for (int i = 0; i < 6; ++i) {
        events::UploadFacts facts;
        facts.image_id = new_image_id();
        facts.object_key = keys::original(facts.image_id);
        store.put(facts.object_key, bytes, "application/octet-stream");
        events.push_back(events::uploaded_event(facts, "/test").dump());
    }
    std::atomic<int> processed{0};
    std::vector<std::jthread> threads;
    for (int i = 0; i < 6; ++i)
        threads.emplace_back([&, i] {
            if (worker::handle_message(ctx, {"uploads", 0, i, "key", events[i]}) ==
                worker::Outcome::processed)
                ++processed;
        });
    threads.clear();
    CHECK(processed == 6);
    CHECK(budget.peak_holders() <= 2);
    CHECK(budget.peak_in_use() <= budget.total());
    CHECK(budget.in_use() == 0);

    // The same photo under a budget it alone exceeds: failed once, with the sizes in words.
    MemoryBudget tiny(16ull << 20);
    ctx.memory = &tiny;
    CHECK(worker::handle_message(ctx, {"uploads", 0, 9, "key", events[0]}) ==
          worker::Outcome::skipped);  // its manifest is current
    events::UploadFacts facts;
    facts.image_id = new_image_id();
    facts.object_key = keys::original(facts.image_id);
    store.put(facts.object_key, bytes, "application/octet-stream");
    std::string event = events::uploaded_event(facts, "/test").dump();
    CHECK(worker::handle_message(ctx, {"uploads", 0, 10, "key", event}) == worker::Outcome::failed);
    auto dlq = publisher.on("dlq");
    REQUIRE(dlq.size() == 1);
    CHECK(dlq[0].at("reason").at("code") == "over_memory_budget");
    CHECK(dlq[0].at("reason").at("message").get<std::string>().find("budget is 16 MiB") !=
          std::string::npos);
    auto manifest = store.get(keys::manifest(facts.image_id));
    REQUIRE(manifest);
    CHECK(json::parse(manifest->begin(), manifest->end()).at("status") == "failed");
}

TEST_CASE("admission in the worker's handler: a wait ended by abandon is a transient failure") {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    LockedPublisher publisher;
    pipeline::Recipe recipe = pipeline::default_recipe();
    auto bytes = test::read_corpus(kPhoto);
    MemoryBudget budget(pipeline::admission_bytes(bytes, recipe));
    auto everything = budget.acquire(budget.total());  // no room for anyone
    worker::HandlerContext ctx{store, publisher, recipe, {"results", "dlq"}, "/test", {}, &budget};
    events::UploadFacts facts;
    facts.image_id = new_image_id();
    facts.object_key = keys::original(facts.image_id);
    store.put(facts.object_key, bytes, "application/octet-stream");
    std::stop_source abandon;
    std::atomic<bool> transient{false};
    std::jthread handler([&] {
        worker::IncomingMessage m{"uploads", 0, 0, "key",
                                  events::uploaded_event(facts, "/test").dump()};
        m.abandon = abandon.get_token();
        try {
            worker::handle_message(ctx, m);
        } catch (const Error& e) {
            transient = e.transient();
        }
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (budget.waiting() == 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
    REQUIRE(budget.waiting() == 1);
    abandon.request_stop();
    handler.join();
    CHECK(transient.load());
    CHECK(publisher.on("dlq").empty());  // not done, not failed: delivered again later
    CHECK_FALSE(store.get(keys::manifest(facts.image_id)));
}
