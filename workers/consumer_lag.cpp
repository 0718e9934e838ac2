#include "workers/consumer_lag.hpp"

#include <string>

#include "common/log.hpp"
#include "common/metrics.hpp"

namespace fotogal::worker {

ConsumerLag::ConsumerLag(kafka::Consumer& consumer, std::chrono::milliseconds interval)
    : consumer_(consumer),
      interval_(interval),
      thread_([this](std::stop_token stop) { run(stop); }) {}

ConsumerLag::~ConsumerLag() {
    thread_.request_stop();
    wake_.notify_all();
}

void ConsumerLag::report() {
    auto lags = consumer_.lag(std::chrono::seconds(1));  // short: joined on stop
    if (!lags) return;  // the broker did not answer: keep the last figures
    for (auto& [_, seen] : reported_) seen = false;
    for (const auto& p : *lags) {
        metrics::gauge("fotogal_kafka_consumer_lag",
                       "events of a partition this worker owns not committed yet (broker's count)",
                       {{"topic", p.topic}, {"partition", std::to_string(p.partition)}})
            .set(double(p.offset));
        reported_[{p.topic, p.partition}] = true;
    }
    for (auto it = reported_.begin(); it != reported_.end();) {
        if (it->second) {
            ++it;
            continue;
        }
        metrics::gauge(
            "fotogal_kafka_consumer_lag", "",
            {{"topic", it->first.topic}, {"partition", std::to_string(it->first.partition)}})
            .set(0);
        it = reported_.erase(it);
    }
}

void ConsumerLag::run(std::stop_token stop) {
    while (!stop.stop_requested()) {
        try {
            report();
        } catch (const std::exception& e) {
            log::debug("consumer lag not reported", {{"error", e.what()}});
        }
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, stop, interval_, [] { return false; });
    }
}

}  // namespace fotogal::worker
