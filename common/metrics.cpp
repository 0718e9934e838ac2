#include "common/metrics.hpp"

#include <charconv>
#include <cmath>
#include <sstream>
#include <variant>

namespace fotogal::metrics {

namespace {

struct Family {
    std::string help;
    std::string type;
    // Labels -> metric; node-based map so references stay valid as it grows.
    std::map<Labels, std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>,
                                  std::unique_ptr<Histogram>>>
        series;
};

struct Registry {
    std::mutex mutex;
    std::map<std::string, Family> families;
};

Registry& registry() {
    static Registry instance;
    return instance;
}

template <typename T, typename... Args>
T& get_or_add(const std::string& name, const std::string& help, const char* type,
              const Labels& labels, Args&&... args) {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    Family& family = r.families[name];
    if (family.type.empty()) {
        family.help = help;
        family.type = type;
    }
    auto it = family.series.find(labels);
    if (it == family.series.end())
        it = family.series.emplace(labels, std::make_unique<T>(std::forward<Args>(args)...)).first;
    return *std::get<std::unique_ptr<T>>(it->second);
}

std::string format_labels(const Labels& labels, const std::string& extra = {}) {
    if (labels.empty() && extra.empty()) return {};
    std::string out = "{";
    bool first = true;
    for (const auto& [k, v] : labels) {
        if (!first) out += ",";
        first = false;
        out += k + "=\"";
        for (char c : v) {
            if (c == '"' || c == '\\') out += '\\';
            if (c == '\n') {
                out += "\\n";
                continue;
            }
            out += c;
        }
        out += "\"";
    }
    if (!extra.empty()) out += (first ? "" : ",") + extra;
    return out + "}";
}

// Shortest text that reads back as the same double ("0.025", not "0.025000000000000001").
std::string number(double v) {
    if (std::isnan(v)) return "NaN";
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc{} ? std::string(buf, end) : std::string("NaN");
}

void atomic_add(std::atomic<double>& target, double d) {
    double old = target.load(std::memory_order_relaxed);
    while (!target.compare_exchange_weak(old, old + d, std::memory_order_relaxed)) {
    }
}

}  // namespace

void Gauge::add(double d) {
    atomic_add(value_, d);
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double v) {
    std::size_t i = 0;
    while (i < bounds_.size() && v > bounds_[i]) ++i;
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    atomic_add(sum_, v);
    count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
    std::vector<std::uint64_t> out(bounds_.size() + 1);
    std::uint64_t running = 0;
    for (std::size_t i = 0; i <= bounds_.size(); ++i) {
        running += buckets_[i].load(std::memory_order_relaxed);
        out[i] = running;
    }
    return out;
}

Counter& counter(const std::string& name, const std::string& help, const Labels& labels) {
    return get_or_add<Counter>(name, help, "counter", labels);
}

Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels) {
    return get_or_add<Gauge>(name, help, "gauge", labels);
}

Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels) {
    return histogram(name, help, labels,
                     {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60});
}

Histogram& histogram(const std::string& name, const std::string& help, const Labels& labels,
                     std::vector<double> bounds) {
    return get_or_add<Histogram>(name, help, "histogram", labels, std::move(bounds));
}

std::string render() {
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    std::ostringstream out;
    for (const auto& [name, family] : r.families) {
        out << "# HELP " << name << " " << family.help << "\n# TYPE " << name << " " << family.type
            << "\n";
        for (const auto& [labels, metric] : family.series) {
            if (auto* c = std::get_if<std::unique_ptr<Counter>>(&metric)) {
                out << name << format_labels(labels) << " " << (*c)->value() << "\n";
            } else if (auto* g = std::get_if<std::unique_ptr<Gauge>>(&metric)) {
                out << name << format_labels(labels) << " " << number((*g)->value()) << "\n";
            } else {
                const Histogram& h = *std::get<std::unique_ptr<Histogram>>(metric);
                auto counts = h.cumulative_counts();
                for (std::size_t i = 0; i < counts.size(); ++i) {
                    std::string le =
                        i < h.bounds().size() ? number(h.bounds()[i]) : std::string("+Inf");
                    out << name << "_bucket" << format_labels(labels, "le=\"" + le + "\"") << " "
                        << counts[i] << "\n";
                }
                out << name << "_sum" << format_labels(labels) << " " << number(h.sum()) << "\n";
                out << name << "_count" << format_labels(labels) << " " << h.count() << "\n";
            }
        }
    }
    return out.str();
}

}  // namespace fotogal::metrics
