#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "common/image_id.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "common/trace/trace_context.hpp"
#include "replay/bucket_backfill.hpp"
#include "replay/progress_display.hpp"
#include "replay/summary.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using namespace fotogal::replay;
using nlohmann::json;

namespace {

class RecordingSink final : public ReprocessSink {
  public:
    void send(std::string_view key, std::string_view value) override {
        if (fail_all) {
            ++failed_;
            return;
        }
        sent.push_back({std::string(key), json::parse(value)});
    }
    void flush() override {}
    std::uint64_t published() const override { return sent.size(); }
    std::uint64_t failed() const override { return failed_; }
    std::vector<std::pair<std::string, json>> sent;
    bool fail_all = false;

  private:
    std::uint64_t failed_ = 0;
};

// A UUIDv7 id made at `ms` (the random bits fixed by `n`).
std::string id_at(std::int64_t ms, int n) {
    char tail[32];
    std::snprintf(tail, sizeof tail, "-7000-8000-%012d", n);
    return uuidv7_time_prefix(ms) + tail;
}

template <typename Edit>
BackfillSettings settings(Edit edit) {
    BackfillSettings s;
    edit(s);
    return s;
}

struct Bucket {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    RecordingSink sink;
    RateLimiter rate{0};
    ProgressDisplay progress{false, stderr};

    void put(const std::string& key) {
        std::uint8_t byte = 1;
        store.put(key, std::span(&byte, 1), "application/octet-stream");
    }
    Counts run(BackfillSettings s) {
        s.page_size = 2;  // several pages even in a small bucket
        return backfill_bucket(store, sink, rate, progress, s, std::stop_token{});
    }
};

}  // namespace

TEST_CASE("uuidv7 time: read from ids, and the prefix sorts like the time") {
    std::string id = new_image_id();
    auto ms = uuidv7_unix_millis(id);
    REQUIRE(ms);
    CHECK(id.starts_with(uuidv7_time_prefix(*ms)));
    CHECK(uuidv7_time_prefix(1000) < uuidv7_time_prefix(1001));
    CHECK_FALSE(uuidv7_unix_millis(image_id_for_key("incoming/cat.jpg")));
    CHECK_FALSE(uuidv7_unix_millis("not-an-id"));
}

TEST_CASE("backfill: every original gets one reprocess event, outputs are left alone") {
    Bucket b;
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
        ids.push_back(id_at(1'700'000'000'000 + i, i));
        b.put(keys::original(ids.back()));
        b.put(keys::manifest(ids.back()));
    }
    Counts c = b.run(settings([](auto& s) { s.force = true, s.source = "/backfill"; }));
    CHECK(c.scanned == 5);
    CHECK(c.published == 5);
    CHECK(c.skipped == 0);
    REQUIRE(b.sink.sent.size() == 5);
    for (std::size_t i = 0; i < 5; ++i) {
        CHECK(b.sink.sent[i].first == ids[i]);
        const json& e = b.sink.sent[i].second;
        CHECK(e.at("type") == "fotogal.image.reprocess");
        CHECK(e.at("data").at("object_key") == keys::original(ids[i]));
        CHECK(e.at("data").at("force") == true);
        CHECK(e.at("data").at("size") == 1);
    }
}

TEST_CASE("backfill: a time range selects by the id's time and lists only that range") {
    Bucket b;
    for (int i = 0; i < 10; ++i) b.put(keys::original(id_at(1'700'000'000'000 + i * 1000, i)));
    Counts c = b.run(settings([](auto& s) {
        s.since_ms = 1'700'000'003'000;
        s.until_ms = 1'700'000'005'000;
    }));
    CHECK(c.published == 3);
    // The listing starts at --since and stops after --until: nothing else is even scanned.
    CHECK(c.scanned == 3);
    CHECK(c.skipped == 0);
}

TEST_CASE("backfill: other prefixes work, and ids without a time are skipped under a range") {
    Bucket b;
    b.put("incoming/a.jpg");
    b.put("incoming/b.jpg");
    Counts all = b.run(settings([](auto& s) { s.prefix = "incoming/"; }));
    CHECK(all.published == 2);
    CHECK(b.sink.sent[0].first == image_id_for_key("incoming/a.jpg"));
    CHECK(b.sink.sent[0].second.at("data").at("object_key") == "incoming/a.jpg");
    Counts ranged = b.run(settings([](auto& s) { s.prefix = "incoming/", s.since_ms = 0; }));
    CHECK(ranged.scanned == 2);
    CHECK(ranged.skipped == 2);
    // Listing the whole bucket never republishes the pipeline's own outputs.
    b.put(keys::rendition(new_image_id(), "large", "jpg"));
    Counts whole = b.run(settings([](auto& s) { s.prefix = ""; }));
    CHECK(whole.skipped == 1);
}

TEST_CASE("backfill: each reprocess event starts a trace of its own") {
    Bucket b;
    b.put(keys::original(new_image_id()));
    b.put(keys::original(new_image_id()));
    REQUIRE(b.run(BackfillSettings{}).published == 2);
    std::set<std::string> trace_ids;
    for (const auto& [_, event] : b.sink.sent) {
        auto trace = trace::parse_traceparent(event.at("traceparent").get<std::string>());
        REQUIRE(trace);
        trace_ids.insert(trace->trace_id);
    }
    CHECK(trace_ids.size() == 2);
}

TEST_CASE("backfill: undelivered events are errors, and the exit code says so") {
    Bucket b;
    b.put(keys::original(new_image_id()));
    b.sink.fail_all = true;
    Summary s{"backfill", false, false, 0, b.run(BackfillSettings{})};
    CHECK(s.counts.errors == 1);
    CHECK(s.counts.published == 0);
    CHECK(exit_code(s) == 2);
    json j = to_json(s);
    for (auto key : {"scanned", "published", "skipped", "errors"}) CHECK(j.contains(key));
    s.interrupted = true;
    CHECK(exit_code(s) == 3);
    s = Summary{};
    CHECK(exit_code(s) == 0);
}

TEST_CASE("progress line: a bar when the total is known, counts otherwise") {
    Counts c{50, 45, 5, 0};
    std::string bar = progress_line(c, 50, 200, 100, 20);
    CHECK(bar.starts_with("[#####...............]  25%  50/200"));
    CHECK(bar.find("published 45") != std::string::npos);
    CHECK(progress_line(c, 50, std::nullopt, 0, 20).starts_with("scanned 50"));
}
