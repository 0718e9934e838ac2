// workers/consumer_loop.hpp on librdkafka's mock cluster, with a recording handler: several
// events in flight but never more than the bound, transient failures retried without
// committing past them, revoke and shutdown that finish or abandon in-flight work and never
// commit past it.
#include <doctest/doctest.h>

#include "loop_harness.hpp"

using namespace fotogal::test;
using namespace std::chrono_literals;

TEST_CASE("consumer loop: several events in flight, never more than the bound, all committed") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 4);
    cluster.produce(kTopic, 120);
    RecordingHandler handler;
    handler.delay = 10ms;
    LoopRun run(cluster, handler, 3);
    CHECK(wait_checking(cluster, handler, 4, 60s, [&] {
        return handler.distinct_finished() == 120 && all_committed(cluster, 4);
    }));
    CHECK(run.stop() == 0);
    CHECK(handler.max_running() <= 3);
    CHECK(run.loop().max_in_flight() <= 3);
    CHECK(run.loop().max_in_flight() >= 2);  // it did work on several events at once
    // At-least-once: a rebalance on a loaded machine (a missed session) may redeliver a few.
    MESSAGE("events handled more than once: " << handler.repeats());
}

TEST_CASE(
    "consumer loop: a transiently failing event is retried and holds its partition's commit") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 30);
    RecordingHandler handler;
    handler.fail_times(0, 3, 4);  // offset 3 fails four times, then succeeds
    handler.hold(0, 10, /*fail_while_held=*/true);
    LoopRun run(cluster, handler, 2);
    // Offset 10 keeps failing: everything before it commits, nothing at or past it does.
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] {
        return handler.attempts(0, 10) >= 3 && handler.finished(0, 29) &&
               cluster.committed(kGroup, kTopic, 1)[0] == 10;
    }));
    CHECK(handler.attempts(0, 3) == 5);
    handler.release();
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] { return all_committed(cluster, 1); }));
    CHECK(handler.distinct_finished() == 30);
}

TEST_CASE("consumer loop: a second member joining revokes partitions without losing work") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 4);
    cluster.produce(kTopic, 200);
    RecordingHandler handler;
    handler.delay = 15ms;
    LoopRun first(cluster, handler, 2);
    CHECK(
        wait_checking(cluster, handler, 4, 60s, [&] { return handler.distinct_finished() > 20; }));
    LoopRun second(cluster, handler,
                   2);  // same group: rebalance while events are in flight
    CHECK(wait_checking(cluster, handler, 4, 90s, [&] {
        return handler.distinct_finished() == 200 && all_committed(cluster, 4);
    }));
    MESSAGE("events handled more than once across the rebalance: " << handler.repeats());
    CHECK(first.stop() == 0);
    CHECK(second.stop() == 0);
}

TEST_CASE("consumer loop: stop finishes in-flight work within the grace period, then commits") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 2);
    cluster.produce(kTopic, 40);
    RecordingHandler handler;
    handler.delay = 200ms;
    LoopRun run(cluster, handler, 2, 20s);
    CHECK(
        wait_checking(cluster, handler, 2, 60s, [&] { return handler.distinct_finished() >= 2; }));
    CHECK(run.stop() == 0);
    // Whatever was finished is committed; nothing unfinished is.
    auto committed = cluster.committed(kGroup, kTopic, 2);
    handler.check_committed(committed);
    std::int64_t total = std::max<std::int64_t>(0, committed[0]) +  // -1: nothing committed
                         std::max<std::int64_t>(0, committed[1]);
    CHECK(total == std::int64_t(handler.distinct_finished()));
    CHECK(total < 40);  // it stopped fetching rather than draining the topic
}

TEST_CASE("consumer loop: past the grace period in-flight work is abandoned, not committed") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, 1);
    cluster.produce(kTopic, 10);
    RecordingHandler handler;
    handler.hold(0, 5);  // offset 5 never finishes while the loop runs
    LoopRun run(cluster, handler, 2, 1s);
    CHECK(wait_checking(cluster, handler, 1, 60s, [&] { return handler.attempts(0, 5) == 1; }));
    auto started = std::chrono::steady_clock::now();
    // stop() returns once the loop committed and left the group; the held attempt's thread
    // is still busy then (released below, before the loop is destroyed).
    std::size_t abandoned = run.stop();
    auto took = std::chrono::steady_clock::now() - started;
    auto committed = cluster.committed(kGroup, kTopic, 1)[0];
    CHECK_FALSE(handler.finished(0, 5));
    handler.release();
    CHECK(abandoned == 1);
    CHECK(took < 15s);
    CHECK(committed == 5);  // everything before the abandoned event, nothing past it
}
