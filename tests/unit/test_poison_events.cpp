// The retry budget and poison events through the real consumer loop on librdkafka's mock
// cluster: a poison event is dead-lettered once and its partition goes on and commits to
// the end; an event that keeps failing transiently is tried exactly FOTOGAL_MAX_ATTEMPTS
// times, dead-lettered with its history, and committed past; a shutdown ends a retry wait at
// once instead of waiting out the backoff.
#include <doctest/doctest.h>

#include "loop_harness.hpp"

using namespace fotogal;
using namespace fotogal::test;
using namespace std::chrono_literals;

TEST_CASE("poison: a poison event is dead-lettered once and its partition goes on") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 20);
    RecordingHandler handler;
    handler.poison(0, 7);
    LoopRun run(cluster, handler, 2);
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] {
        return handler.distinct_settled() == 20 && all_committed(cluster, 1);
    }));
    CHECK(handler.attempts(0, 7) == 1);  // the fault fired, once: no retry of a poison event
    auto dead = handler.dead_letters(0, 7);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].code == "test_poison");
    CHECK(dead[0].attempts == 1);
    CHECK_FALSE(handler.finished(0, 7));
    CHECK(handler.distinct_finished() == 19);
    CHECK(handler.dead_lettered_events() == 1);
    CHECK(run.stop() == 0);
}

TEST_CASE("poison: a transient failure past the budget is dead-lettered after exactly N attempts") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 12);
    RecordingHandler handler;
    handler.fail_times(0, 4, 1000);  // never recovers
    handler.fail_times(0, 9, 2);     // recovers within the budget
    LoopRun run(cluster, handler, 2, 10s, {3, 5ms, 20ms});
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] {
        return handler.distinct_settled() == 12 && all_committed(cluster, 1);
    }));
    CHECK(handler.attempts(0, 4) == 3);
    CHECK(handler.attempts(0, 9) == 3);
    auto dead = handler.dead_letters(0, 4);
    REQUIRE(dead.size() == 1);
    CHECK(dead[0].code == "test_transient");
    CHECK(dead[0].attempts == 3);
    CHECK(handler.finished(0, 9));
    CHECK(handler.dead_letters(0, 9).empty());
    CHECK(run.stop() == 0);
}

TEST_CASE("poison: a dead-letter topic that refuses holds the commit until the record is written") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 10);
    RecordingHandler handler;
    handler.poison(0, 3);
    handler.fail_dead_letters(4);
    LoopRun run(cluster, handler, 1, 10s, {5, 5ms, 20ms});
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] {
        return handler.distinct_settled() == 10 && all_committed(cluster, 1);
    }));
    CHECK(handler.dead_letter_attempts() == 5);  // four refusals (the fault fired), then written
    CHECK(handler.dead_letters(0, 3).size() == 1);
    CHECK(run.stop() == 0);
}

TEST_CASE("poison: shutdown ends a retry wait at once, well inside the grace period") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 5);
    RecordingHandler handler;
    handler.fail_times(0, 2, 1000);
    // Each wait would be 30 s and the grace period is 20 s: only an interrupted wait is fast.
    LoopRun run(cluster, handler, 1, 20s, {10, 30s, 30s});
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] {
        return handler.attempts(0, 2) == 1 && cluster.committed(kGroup, kTopic, 1)[0] == 2;
    }));
    auto started = std::chrono::steady_clock::now();
    CHECK(run.stop() == 0);  // the retrying event was abandoned, not left running
    auto took = std::chrono::steady_clock::now() - started;
    CHECK(took < 5s);
    CHECK(handler.attempts(0, 2) == 1);
    CHECK(handler.dead_letters(0, 2).empty());  // abandoned, not given up: redelivered later
    CHECK(cluster.committed(kGroup, kTopic, 1)[0] == 2);
}

TEST_CASE("poison: an event in flight longer than the threshold makes the loop report stuck") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 3);
    RecordingHandler handler;
    handler.hold(0, 1);
    LoopRun run(cluster, handler, 1, 1s);
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] { return handler.attempts(0, 1) == 1; }));
    CHECK_FALSE(run.loop().stuck(60s));
    CHECK(wait_checking(cluster, handler, 1, 10s, [&] { return run.loop().stuck(200ms); }));
    handler.release();
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] { return all_committed(cluster, 1); }));
    CHECK_FALSE(run.loop().stuck(200ms));
    CHECK(run.stop() == 0);
}
