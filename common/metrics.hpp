// The process's metrics registry (the one piece of global mutable state we allow), rendered
// in the Prometheus text format on GET /metrics. Counters, gauges and histograms are
// lock-free to update; registration takes a lock and returns a reference that stays valid.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace fotogal::metrics {

using Labels = std::map<std::string, std::string>;

class Counter {
  public:
    void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<std::uint64_t> value_{0};
};

class Gauge {
  public:
    void set(double v) { value_.store(v, std::memory_order_relaxed); }
    void add(double d);
    double value() const { return value_.load(std::memory_order_relaxed); }

  private:
    std::atomic<double> value_{0};
};

class Histogram {
  public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double v);
    const std::vector<double>& bounds() const { return bounds_; }
    std::vector<std::uint64_t> cumulative_counts() const;
    double sum() const { return sum_.load(std::memory_order_relaxed); }
    std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

  private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;
    std::atomic<double> sum_{0};
    std::atomic<std::uint64_t> count_{0};
};

Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
// Seconds-scale buckets by default (1 ms .. 60 s).
Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels = {});
// With its own bucket bounds (ascending); a family's series should all use the same ones.
Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                     std::vector<double> bounds);

// Everything registered so far, in the Prometheus text exposition format 0.0.4.
std::string render();

}  // namespace fotogal::metrics
