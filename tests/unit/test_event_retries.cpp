// workers/event_retries.hpp, the worker's one retry layer, without Kafka: the exact number of
// attempts a budget allows, what each kind of failure leads to, the dead-letter record's
// history, and waits that end at once when the event is abandoned.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "workers/event_retries.hpp"

using namespace fotogal;
using namespace fotogal::worker;
using namespace std::chrono_literals;

namespace {

const IncomingMessage kMessage{"uploads", 2, 41, "key", "value"};

struct Recorder {
    int calls = 0;
    std::vector<std::pair<std::string, std::size_t>> dead;  // code, attempts in the history
    AttemptHistory last_history;
    int refuse_dead_letters = 0;

    DeadLetterHandler dead_letter() {
        return [this](const IncomingMessage&, const Error& e, const AttemptHistory& h) {
            if (refuse_dead_letters > 0) {
                --refuse_dead_letters;
                throw Error(ErrorKind::transient, "broker_unavailable", "dlq refused");
            }
            dead.emplace_back(e.code(), h.size());
            last_history = h;
        };
    }
};

MessageHandler always(ErrorKind kind, Recorder& r) {
    return [kind, &r](const IncomingMessage&) {
        ++r.calls;
        throw Error(kind, std::string(kind_name(kind)) + "_code", "failure of the test");
    };
}

constexpr RetryBudget kFast{4, 1ms, 2ms};

}  // namespace

TEST_CASE("retries: a transient failure is tried exactly max_attempts times, then dead-lettered") {
    Recorder r;
    auto result =
        handle_with_retries(always(ErrorKind::transient, r), r.dead_letter(), kMessage, {}, kFast);
    CHECK(result.result == Attempts::dead_lettered);
    CHECK(r.calls == 4);
    REQUIRE(r.dead.size() == 1);
    CHECK(r.dead[0].first == "transient_code");
    CHECK(r.dead[0].second == 4);
    for (int i = 0; i < 4; ++i) {
        CHECK(r.last_history[i].attempt == i + 1);
        CHECK(r.last_history[i].kind == "transient");
        CHECK(r.last_history[i].error == "failure of the test");
        CHECK_FALSE(r.last_history[i].time.empty());
    }
}

TEST_CASE("retries: an event that succeeds on its last allowed attempt is not dead-lettered") {
    Recorder r;
    auto handler = [&](const IncomingMessage&) {
        if (++r.calls < 4) throw Error(ErrorKind::transient, "flaky", "not yet");
    };
    CHECK(handle_with_retries(handler, r.dead_letter(), kMessage, {}, kFast).result ==
          Attempts::finished);
    CHECK(r.calls == 4);
    CHECK(r.dead.empty());
}

TEST_CASE("retries: poison and permanent failures are dead-lettered after one attempt") {
    for (auto kind : {ErrorKind::poison, ErrorKind::permanent}) {
        CAPTURE(kind_name(kind));
        Recorder r;
        auto result = handle_with_retries(always(kind, r), r.dead_letter(), kMessage, {}, kFast);
        CHECK(result.result == Attempts::dead_lettered);
        CHECK(r.calls == 1);
        REQUIRE(r.dead.size() == 1);
        CHECK(r.dead[0].second == 1);
        CHECK(r.last_history[0].kind == kind_name(kind));
    }
}

TEST_CASE("retries: malformed JSON thrown by a handler is poison; other exceptions transient") {
    Recorder r;
    auto json_failure = [&](const IncomingMessage&) {
        ++r.calls;
        auto parsed = nlohmann::json::parse("{not json");
        CHECK(parsed.is_null());  // not reached: parse throws
    };
    CHECK(handle_with_retries(json_failure, r.dead_letter(), kMessage, {}, kFast).result ==
          Attempts::dead_lettered);
    CHECK(r.calls == 1);
    CHECK(r.dead.at(0).first == "malformed_data");

    Recorder s;
    auto stray = [&](const IncomingMessage&) {
        ++s.calls;
        throw std::runtime_error("stray");
    };
    CHECK(handle_with_retries(stray, s.dead_letter(), kMessage, {}, kFast).result ==
          Attempts::dead_lettered);
    CHECK(s.calls == 4);  // bounded by the budget, not condemned at once
    CHECK(s.dead.at(0).first == "unexpected");
}

TEST_CASE("retries: a fatal error is handed back, not retried and not dead-lettered") {
    Recorder r;
    auto result =
        handle_with_retries(always(ErrorKind::fatal, r), r.dead_letter(), kMessage, {}, kFast);
    CHECK(result.result == Attempts::fatal);
    REQUIRE(result.fatal);
    CHECK(result.fatal->code() == "fatal_code");
    CHECK(r.calls == 1);
    CHECK(r.dead.empty());
}

TEST_CASE("retries: a dead letter the broker refuses is written again until it is accepted") {
    Recorder r;
    r.refuse_dead_letters = 3;
    auto result =
        handle_with_retries(always(ErrorKind::poison, r), r.dead_letter(), kMessage, {}, kFast);
    CHECK(result.result == Attempts::dead_lettered);
    CHECK(r.refuse_dead_letters == 0);  // the fault fired three times
    CHECK(r.dead.size() == 1);
    CHECK(r.calls == 1);  // the event itself was not run again
}

TEST_CASE("retries: a wait between attempts ends at once when the event is abandoned") {
    Recorder r;
    std::stop_source abandon;
    std::atomic<bool> failed_once{false};
    auto handler = [&](const IncomingMessage&) {
        ++r.calls;
        failed_once = true;
        throw Error(ErrorKind::transient, "down", "storage down");
    };
    RetryBudget slow{5, 20s, 20s};  // the first wait alone would be 20 s
    std::thread stopper([&] {
        while (!failed_once) std::this_thread::yield();
        abandon.request_stop();
    });
    auto started = std::chrono::steady_clock::now();
    auto result =
        handle_with_retries(handler, r.dead_letter(), kMessage, abandon.get_token(), slow);
    auto took = std::chrono::steady_clock::now() - started;
    stopper.join();
    CHECK(result.result == Attempts::abandoned);
    CHECK(r.calls == 1);
    CHECK(r.dead.empty());  // abandoned is not given up: the next owner tries again
    CHECK(took < 2s);
}

TEST_CASE("retries: the stuck threshold covers every attempt at its limit and every wait") {
    RetryBudget budget{5, 1s, 30s};
    CHECK(stuck_threshold(budget, 90s) == 5 * 90s + 4 * 30s);
    CHECK(stuck_threshold({1, 1s, 30s}, 90s) == 90s);
}
