#include "workers/event_retries.hpp"

#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/shutdown_signal.hpp"

namespace fotogal::worker {

Attempts handle_with_retries(const MessageHandler& handler, const IncomingMessage& m,
                             std::stop_token abandon, RetryPolicy policy) {
    Backoff backoff(policy);
    for (int attempt = 1;; ++attempt) {
        std::string error;
        try {
            handler(m);
            return Attempts::finished;
        } catch (const TransientFailure& e) {
            error = e.what();
        } catch (const std::exception& e) {
            // Not a property of the event (the handler maps those to `failed`): a fault of
            // the system around it, worth another try like any transient one.
            error = std::string("unexpected: ") + e.what();
        }
        metrics::counter("fotogal_event_retries_total", "event attempts that failed transiently")
            .inc();
        if (abandon.stop_requested()) break;
        auto wait = backoff.next();
        log::warn("transient failure, retrying event", {{"topic", m.topic},
                                                        {"partition", m.partition},
                                                        {"offset", m.offset},
                                                        {"attempt", attempt},
                                                        {"error", error},
                                                        {"retry_in_ms", wait.count()}});
        if (wait_for_stop(abandon, wait)) break;
    }
    log::warn("event abandoned unfinished; it will be delivered again",
              {{"topic", m.topic}, {"partition", m.partition}, {"offset", m.offset}});
    return Attempts::abandoned;
}

}  // namespace fotogal::worker
