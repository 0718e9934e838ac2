// The metrics the dashboard and the alerts read (charts/fotogal/dashboards/): storage
// operations timed and failures counted by backend and operation, each pipeline step timed,
// images counted by outcome and format, upload-to-manifest latency, and the consumer lag the
// broker reports for a worker's partitions.
#include <doctest/doctest.h>

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <string>

#include "common/kafka/consumer.hpp"
#include "common/metrics.hpp"
#include "common/storage/metered_store.hpp"
#include "kafka_mock.hpp"
#include "pipeline_support.hpp"
#include "temp_dir.hpp"
#include "workers/image_metrics.hpp"

using namespace fotogal;
using namespace std::chrono_literals;

namespace {

// The value of the sample rendered exactly as `series` ("name{labels}"), 0 when absent.
double sample(const std::string& series) {
    std::istringstream in(metrics::render());
    for (std::string line; std::getline(in, line);)
        if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
    return 0;
}

// A backend whose writes fail and whose reads find nothing.
class RefusingStore : public storage::ObjectStore {
  public:
    void put(const std::string&, std::span<const std::uint8_t>, const std::string&) override {
        throw storage::StorageError("read-only (test)", true);
    }
    std::optional<std::vector<std::uint8_t>> get(const std::string&) override {
        return std::nullopt;
    }
    std::optional<storage::ObjectInfo> head(const std::string&) override { return std::nullopt; }
    void remove(const std::string&) override {}
    storage::ListPage list(const std::string&, const std::string&, std::size_t) override {
        return {};
    }
    std::string describe() const override { return "refusing://"; }
};

}  // namespace

TEST_CASE("dashboard metrics: every storage operation is timed; only throws count as errors") {
    storage::MeteredStore store(std::make_unique<RefusingStore>(), "test-refusing");
    const std::uint8_t byte = 1;
    CHECK_THROWS_AS(store.put("k", {&byte, 1}, "text/plain"), storage::StorageError);
    CHECK_FALSE(store.get("k"));  // a miss is an answer
    const std::string labels = "{backend=\"test-refusing\",operation=";
    CHECK(sample("fotogal_storage_errors_total" + labels + "\"put\"}") == 1);
    CHECK(sample("fotogal_storage_errors_total" + labels + "\"get\"}") == 0);
    CHECK(sample("fotogal_storage_operation_seconds_count" + labels + "\"put\"}") == 1);
    CHECK(sample("fotogal_storage_operation_seconds_count" + labels + "\"get\"}") == 1);
    CHECK(store.describe() == "refusing://");
}

TEST_CASE("dashboard metrics: open_object_store meters the file backend") {
    test::TempDir dir;
    auto store = storage::open_object_store("file://" + dir.path().string());
    const std::string series =
        "fotogal_storage_operation_seconds_count{backend=\"file\",operation=\"head\"}";
    double before = sample(series);
    CHECK_FALSE(store->head("absent"));
    CHECK(sample(series) == before + 1);
}

TEST_CASE("dashboard metrics: each pipeline step is timed under its name") {
    const std::string series = "fotogal_pipeline_step_seconds_count{step=\"decode\"}";
    double before = sample(series);
    auto bytes = test::read_corpus("photos/mei_Canon_EOS_1000D.jpg");
    auto recipe = pipeline::default_recipe();
    pipeline::Job job(bytes, recipe);
    pipeline::run_pipeline(job);
    CHECK(sample(series) == before + 1);
    CHECK(sample("fotogal_pipeline_step_seconds_count{step=\"encode\"}") >= 1);
    worker::count_image("processed", &job);
    CHECK(sample("fotogal_images_total{format=\"jpeg\",outcome=\"processed\"}") >= 1);
    worker::count_image("failed", nullptr);
    CHECK(sample("fotogal_images_total{format=\"unknown\",outcome=\"failed\"}") >= 1);
}

TEST_CASE("dashboard metrics: upload-to-manifest latency comes from the record's time") {
    using namespace std::chrono;
    const std::string count = "fotogal_upload_to_manifest_seconds_count";
    double before_count = sample(count);
    double before_sum = sample("fotogal_upload_to_manifest_seconds_sum");
    worker::IncomingMessage m{"uploads", 0, 0, "k", "{}"};
    m.timestamp_ms =
        duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() - 3000;
    worker::observe_upload_to_manifest(m, "fotogal.image.uploaded");
    CHECK(sample(count) == before_count + 1);
    double added = sample("fotogal_upload_to_manifest_seconds_sum") - before_sum;
    CHECK(added >= 3.0);
    CHECK(added < 60.0);
    // A replay's record time is not the upload's; a record without a time has none.
    worker::observe_upload_to_manifest(m, "fotogal.image.reprocess");
    m.timestamp_ms.reset();
    worker::observe_upload_to_manifest(m, "fotogal.image.uploaded");
    CHECK(sample(count) == before_count + 1);
}

TEST_CASE("dashboard metrics: consumer lag is end offset minus the group's committed offset") {
    test::MockCluster cluster(1);
    cluster.create_topic("lagging", 2);
    cluster.produce("lagging", 20);
    kafka::Consumer consumer(cluster.settings(), "lag-group", {});
    consumer.subscribe({"lagging"});
    auto total = [&]() -> std::optional<std::int64_t> {
        auto lag = consumer.lag(2s);
        if (!lag || lag->size() != 2) return std::nullopt;
        std::int64_t sum = 0;
        for (const auto& p : *lag) sum += p.offset;
        return sum;
    };
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (!total() && std::chrono::steady_clock::now() < deadline) consumer.poll(50ms);
    CHECK(total() == std::optional<std::int64_t>(20));  // nothing committed: all of it
    auto lag = consumer.lag(2s).value_or(std::vector<kafka::PartitionOffset>{});
    REQUIRE(lag.size() == 2);
    std::vector<kafka::PartitionOffset> commit;
    for (const auto& p : lag) commit.push_back({p.topic, p.partition, p.offset});  // lag == end
    consumer.commit(commit, true);
    CHECK(total() == std::optional<std::int64_t>(0));
    consumer.close();
}
