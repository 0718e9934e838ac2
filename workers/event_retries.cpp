#include "workers/event_retries.hpp"

#include <algorithm>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/shutdown_signal.hpp"

namespace fotogal::worker {

namespace {

metrics::Counter& retries_counter() {
    return metrics::counter("fotogal_event_retries_total",
                            "event attempts that failed transiently and were tried again");
}

AttemptRecord record_of(int attempt, const Error& e) {
    return {attempt, rfc3339_now(), kind_name(e.kind()), e.code(), e.what()};
}

nlohmann::json ids(const IncomingMessage& m, nlohmann::json more = nlohmann::json::object()) {
    more["topic"] = m.topic;
    more["partition"] = m.partition;
    more["offset"] = m.offset;
    if (m.trace.valid()) more["trace_id"] = m.trace.trace_id;
    return more;
}

// Dead-letters the event; a failure to do so is itself transient and tried again (with the
// same backoff) until it succeeds or the event is abandoned, so nothing is ever committed
// without its dead-letter record.
Attempts give_up(const DeadLetterHandler& dead_letter, const IncomingMessage& m, const Error& last,
                 const AttemptHistory& history, std::stop_token abandon, Backoff& backoff) {
    while (true) {
        try {
            dead_letter(m, last, history);
            return Attempts::dead_lettered;
        } catch (...) {
            Error e = classify(std::current_exception());
            auto wait = backoff.next();
            log::warn("dead-letter record not written; trying again",
                      ids(m, {{"error", e.what()}, {"retry_in_ms", wait.count()}}));
            if (abandon.stop_requested() || wait_for_stop(abandon, wait))
                return Attempts::abandoned;
        }
    }
}

}  // namespace

AttemptsResult handle_with_retries(const MessageHandler& handler,
                                   const DeadLetterHandler& dead_letter, const IncomingMessage& m,
                                   std::stop_token abandon, const RetryBudget& budget) {
    Backoff backoff(RetryPolicy{budget.max_attempts, budget.base, budget.cap});
    AttemptHistory history;
    for (int attempt = 1;; ++attempt) {
        std::optional<Error> failure;
        try {
            handler(m);
            return {Attempts::finished, {}};
        } catch (...) {
            failure = classify(std::current_exception());
        }
        const Error& e = *failure;
        history.push_back(record_of(attempt, e));
        if (e.kind() == ErrorKind::fatal) {
            log::error("fatal error; the worker stops", ids(m, {{"error", e.what()}}));
            return {Attempts::fatal, e};
        }
        bool spent = attempt >= budget.max_attempts;
        if (e.kind() != ErrorKind::transient || spent) {
            log::error(e.kind() == ErrorKind::transient ? "retry budget spent; dead-lettering event"
                                                        : "event cannot be handled; dead-lettering",
                       ids(m, {{"attempts", attempt},
                               {"kind", kind_name(e.kind())},
                               {"code", e.code()},
                               {"error", e.what()}}));
            return {give_up(dead_letter, m, e, history, abandon, backoff), {}};
        }
        retries_counter().inc();
        if (abandon.stop_requested()) break;
        auto wait = backoff.next();
        log::warn("transient failure, retrying event",
                  ids(m, {{"attempt", attempt},
                          {"max_attempts", budget.max_attempts},
                          {"error", e.what()},
                          {"retry_in_ms", wait.count()}}));
        if (wait_for_stop(abandon, wait)) break;
    }
    log::warn("event abandoned unfinished; it will be delivered again", ids(m));
    return {Attempts::abandoned, {}};
}

std::chrono::milliseconds stuck_threshold(const RetryBudget& budget,
                                          std::chrono::milliseconds attempt_limit) {
    int attempts = std::max(1, budget.max_attempts);
    return attempts * attempt_limit + (attempts - 1) * budget.cap;
}

}  // namespace fotogal::worker
