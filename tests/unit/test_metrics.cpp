// common/metrics.hpp: the process-wide registry and its Prometheus text rendering. The
// registry is shared by the whole test binary, so every metric name here is unique to it.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.hpp"

namespace {

namespace m = fotogal::metrics;

// The lines of render() that start with `prefix`.
std::vector<std::string> lines_starting(const std::string& prefix) {
    std::vector<std::string> out;
    std::istringstream in(m::render());
    for (std::string line; std::getline(in, line);)
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
    return out;
}

bool has_line(const std::string& line) {
    std::istringstream in(m::render());
    for (std::string l; std::getline(in, l);)
        if (l == line) return true;
    return false;
}

}  // namespace

TEST_CASE("metrics: counters count and render with HELP and TYPE") {
    m::Counter& c = m::counter("test_metrics_counter_total", "Things counted by the test.");
    CHECK(c.value() == 0);
    c.inc();
    c.inc(41);
    CHECK(c.value() == 42);
    CHECK(has_line("# HELP test_metrics_counter_total Things counted by the test."));
    CHECK(has_line("# TYPE test_metrics_counter_total counter"));
    CHECK(has_line("test_metrics_counter_total 42"));
}

TEST_CASE("metrics: the same name and labels return the same object") {
    m::Counter& a = m::counter("test_metrics_same_total", "help", {{"topic", "uploads"}});
    m::Counter& b = m::counter("test_metrics_same_total", "other help", {{"topic", "uploads"}});
    m::Counter& other = m::counter("test_metrics_same_total", "help", {{"topic", "reprocess"}});
    m::Counter& unlabelled = m::counter("test_metrics_same_total", "help");
    CHECK(&a == &b);
    CHECK(&a != &other);
    CHECK(&a != &unlabelled);
    a.inc(3);
    other.inc(5);
    CHECK(b.value() == 3);
    CHECK(other.value() == 5);
    CHECK(has_line("test_metrics_same_total{topic=\"uploads\"} 3"));
    CHECK(has_line("test_metrics_same_total{topic=\"reprocess\"} 5"));
    // One HELP/TYPE pair per family, with the first help text.
    CHECK(lines_starting("# HELP test_metrics_same_total ").size() == 1);
    CHECK(has_line("# HELP test_metrics_same_total help"));
    CHECK(lines_starting("# TYPE test_metrics_same_total ").size() == 1);

    m::Gauge& g1 = m::gauge("test_metrics_same_gauge", "h", {{"a", "1"}, {"b", "2"}});
    m::Gauge& g2 = m::gauge("test_metrics_same_gauge", "h", {{"b", "2"}, {"a", "1"}});
    CHECK(&g1 == &g2);
    m::Histogram& h1 = m::histogram("test_metrics_same_seconds", "h");
    m::Histogram& h2 = m::histogram("test_metrics_same_seconds", "h");
    CHECK(&h1 == &h2);
}

TEST_CASE("metrics: gauges set, add and go down") {
    m::Gauge& g = m::gauge("test_metrics_gauge_inflight", "In flight.");
    CHECK(g.value() == 0.0);
    g.set(10);
    g.add(2.5);
    g.add(-4);
    CHECK(g.value() == doctest::Approx(8.5));
    CHECK(has_line("# TYPE test_metrics_gauge_inflight gauge"));
    CHECK(has_line("test_metrics_gauge_inflight 8.5"));
    g.set(-1);
    CHECK(has_line("test_metrics_gauge_inflight -1"));
}

TEST_CASE("metrics: concurrent counter and gauge updates are not lost") {
    m::Counter& c = m::counter("test_metrics_concurrent_total", "h");
    m::Gauge& g = m::gauge("test_metrics_concurrent_gauge", "h");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10'000; ++i) {
                c.inc();
                g.add(1);
            }
        });
    for (auto& t : threads) t.join();
    CHECK(c.value() == 40'000);
    CHECK(g.value() == 40'000.0);
}

TEST_CASE("metrics: label values escape quotes, backslashes and newlines") {
    m::counter("test_metrics_escape_total", "h", {{"path", "a\"b\\c\nd"}}).inc(7);
    CHECK(has_line("test_metrics_escape_total{path=\"a\\\"b\\\\c\\nd\"} 7"));
    // The raw newline must not split the sample across lines.
    for (const auto& line : lines_starting("test_metrics_escape_total"))
        CHECK(line.find("} 7") != std::string::npos);

    m::counter("test_metrics_labels_total", "h", {{"z", "1"}, {"a", "2"}}).inc();
    CHECK(has_line("test_metrics_labels_total{a=\"2\",z=\"1\"} 1"));
}

TEST_CASE("metrics: histogram buckets are cumulative with +Inf, _sum and _count") {
    m::Histogram& h =
        m::histogram("test_metrics_hist_seconds", "Processing time.", {{"step", "decode"}});
    CHECK(h.count() == 0);
    const auto& bounds = h.bounds();
    REQUIRE(bounds.size() >= 2);
    for (std::size_t i = 1; i < bounds.size(); ++i) CHECK(bounds[i - 1] < bounds[i]);
    CHECK(bounds.front() == doctest::Approx(0.001));
    CHECK(bounds.back() == doctest::Approx(60));

    h.observe(0.0005);  // first bucket
    h.observe(0.001);   // le is inclusive: still the first bucket
    h.observe(0.3);
    h.observe(7);
    h.observe(1000);  // only +Inf
    CHECK(h.count() == 5);
    CHECK(h.sum() == doctest::Approx(1007.3015));

    auto cumulative = h.cumulative_counts();
    REQUIRE(cumulative.size() == bounds.size() + 1);
    for (std::size_t i = 1; i < cumulative.size(); ++i) CHECK(cumulative[i - 1] <= cumulative[i]);
    CHECK(cumulative.front() == 2);
    CHECK(cumulative[bounds.size() - 1] == 4);
    CHECK(cumulative.back() == 5);
    for (std::size_t i = 0; i < bounds.size(); ++i) {
        CAPTURE(bounds[i]);
        std::uint64_t expected = 2 + (bounds[i] >= 0.3) + (bounds[i] >= 7);
        CHECK(cumulative[i] == expected);
    }

    CHECK(has_line("# TYPE test_metrics_hist_seconds histogram"));
    CHECK(has_line("# HELP test_metrics_hist_seconds Processing time."));
    CHECK(has_line("test_metrics_hist_seconds_bucket{step=\"decode\",le=\"0.001\"} 2"));
    CHECK(has_line("test_metrics_hist_seconds_bucket{step=\"decode\",le=\"60\"} 4"));
    CHECK(has_line("test_metrics_hist_seconds_bucket{step=\"decode\",le=\"+Inf\"} 5"));
    CHECK(has_line("test_metrics_hist_seconds_count{step=\"decode\"} 5"));
    auto sums = lines_starting("test_metrics_hist_seconds_sum{step=\"decode\"} ");
    REQUIRE(sums.size() == 1);
    CHECK(std::stod(sums[0].substr(sums[0].rfind(' ') + 1)) == doctest::Approx(1007.3015));
    CHECK(lines_starting("test_metrics_hist_seconds_bucket").size() == bounds.size() + 1);
}

TEST_CASE("metrics: an unlabelled histogram renders le as its only label") {
    m::Histogram& h = m::histogram("test_metrics_plain_seconds", "h");
    h.observe(0.02);
    CHECK(has_line("test_metrics_plain_seconds_bucket{le=\"+Inf\"} 1"));
    CHECK(has_line("test_metrics_plain_seconds_bucket{le=\"0.25\"} 1"));
    CHECK(has_line("test_metrics_plain_seconds_bucket{le=\"0.01\"} 0"));
    CHECK(has_line("test_metrics_plain_seconds_count 1"));
}
