// Fault injection on librdkafka's mock cluster, driving the real consumer loop (and, for
// Produce, the real producer): errors pushed on Fetch, OffsetCommit, JoinGroup/Heartbeat and
// Produce, a broker going down and up, the group coordinator moving. Each run asserts that no
// event is lost (every offset handled, the group commits the end offsets) and that no offset
// is ever committed past unfinished work (checked all along the run).
#include <doctest/doctest.h>

#include <atomic>
#include <set>

#include "common/kafka/producer.hpp"
#include "loop_harness.hpp"

using namespace fotogal;
using namespace fotogal::test;
using namespace std::chrono_literals;

namespace {

constexpr int kPartitions = 3;
constexpr int kEvents = 90;

constexpr ApiKey kInjectable[] = {kProduce, kFetch, kOffsetCommit, kJoinGroup, kHeartbeat};

// Pushed on broker 1's own error stack (the only broker, or the first coordinator), so the
// test can count what is left: an injected error that never fired would show there.
void push(const MockCluster& c, ApiKey api, std::vector<rd_kafka_resp_err_t> errors) {
    for (auto err : errors)
        REQUIRE(rd_kafka_mock_broker_push_request_error_rtts(c.get(), 1, api, 1, err, 0) ==
                RD_KAFKA_RESP_ERR_NO_ERROR);
}

// Injected errors not yet returned to a request, over every API the tests inject on.
std::size_t pending_errors(const MockCluster& c) {
    std::size_t total = 0;
    for (ApiKey api : kInjectable) {
        std::size_t n = 0;
        REQUIRE(rd_kafka_mock_broker_error_stack_cnt(c.get(), 1, api, &n) ==
                RD_KAFKA_RESP_ERR_NO_ERROR);
        total += n;
    }
    return total;
}

// Runs one worker over kEvents events while `inject` runs once the first events are done.
// `recover` (optional) runs right after `inject`, e.g. to wait for progress and then undo it.
using Recover = std::function<void(MockCluster&, const RecordingHandler&)>;

void run_with_fault(int brokers, const std::function<void(MockCluster&)>& inject,
                    const Recover& recover = {}) {
    MockCluster cluster(brokers);
    cluster.create_topic(kTopic, kPartitions);
    cluster.produce(kTopic, kEvents);
    RecordingHandler handler;
    handler.delay = 20ms;
    LoopRun run(cluster, handler, 2);
    REQUIRE(wait_checking(cluster, handler, kPartitions, 60s,
                          [&] { return handler.distinct_finished() >= 10; }));
    inject(cluster);
    if (recover) recover(cluster, handler);
    CHECK(wait_checking(cluster, handler, kPartitions, 90s, [&] {
        // Heartbeats go on after the last event, so late errors still fire (and are survived).
        return handler.distinct_finished() == kEvents && all_committed(cluster, kPartitions) &&
               pending_errors(cluster) == 0;
    }));
    CHECK(pending_errors(cluster) == 0);  // every injected error fired
    CHECK(all_committed(cluster, kPartitions));
    CHECK(run.stop() == 0);
    MESSAGE("events handled more than once: " << handler.repeats());
}

}  // namespace

TEST_CASE("faults: Fetch errors and dropped connections lose nothing") {
    run_with_fault(1, [](MockCluster& c) {
        push(c, kFetch,
             {RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
              RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR__TRANSPORT,
              RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART});
    });
}

TEST_CASE("faults: refused offset commits are retried and the end offsets get committed") {
    run_with_fault(1, [](MockCluster& c) {
        std::vector<rd_kafka_resp_err_t> errors;
        for (int i = 0; i < 4; ++i) {
            errors.push_back(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT);
            errors.push_back(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE);
            errors.push_back(RD_KAFKA_RESP_ERR_NOT_COORDINATOR);
            errors.push_back(RD_KAFKA_RESP_ERR__TRANSPORT);
        }
        push(c, kOffsetCommit, errors);
    });
}

TEST_CASE("faults: JoinGroup and Heartbeat errors (rebalances) lose nothing") {
    run_with_fault(1, [](MockCluster& c) {
        push(c, kHeartbeat,
             {RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS, RD_KAFKA_RESP_ERR__TRANSPORT,
              RD_KAFKA_RESP_ERR_NOT_COORDINATOR});
        push(c, kJoinGroup,
             {RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
              RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE});
    });
}

TEST_CASE("faults: the only broker goes down and comes back") {
    run_with_fault(
        1, [](MockCluster& c) { rd_kafka_mock_broker_set_down(c.get(), 1); },
        [](MockCluster& c, const RecordingHandler&) {
            // The length of the outage is part of the scenario (nothing to wait for: no
            // progress is possible while the only broker is down).
            std::this_thread::sleep_for(3s);
            rd_kafka_mock_broker_set_up(c.get(), 1);
        });
}

TEST_CASE("faults: the group coordinator moves to another broker, twice") {
    run_with_fault(
        3, [](MockCluster& c) { rd_kafka_mock_coordinator_set(c.get(), "group", kGroup, 2); },
        [](MockCluster& c, const RecordingHandler& handler) {
            CHECK(wait_checking(c, handler, kPartitions, 60s,
                                [&] { return handler.distinct_finished() >= 40; }));
            rd_kafka_mock_coordinator_set(c.get(), "group", kGroup, 3);
        });
}

TEST_CASE("faults: Produce errors and dropped connections: every result event is delivered") {
    MockCluster cluster(1);
    cluster.create_topic(kTopic, kPartitions);
    cluster.create_topic("results", 1);
    cluster.produce(kTopic, kEvents);
    kafka::KafkaSettings settings = cluster.settings();
    settings.idempotence = true;
    kafka::Producer producer(settings, 30s);
    RecordingHandler handler;
    // The handler publishes one result per event, as the image handler does; a failed
    // delivery is a transient failure of the event.
    std::atomic<int> delivered{0};
    auto publishing = [&](const worker::IncomingMessage& m) {
        auto d = producer.send("results", m.key, "done " + m.value);
        if (!d.ok) throw Error(ErrorKind::transient, "broker_unavailable", d.error);
        ++delivered;
        handler(m);
    };
    LoopRun run(cluster, publishing, handler.dead_letter_handler(), 2, 10s, LoopRun::kPatient,
                "producing");
    push(cluster, kProduce,
         {RD_KAFKA_RESP_ERR__TRANSPORT, RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS,
          RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT, RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
          RD_KAFKA_RESP_ERR__TRANSPORT});
    auto deadline = std::chrono::steady_clock::now() + 90s;
    while (std::chrono::steady_clock::now() < deadline &&
           !(handler.distinct_finished() == kEvents &&
             cluster.committed("producing", kTopic, kPartitions) ==
                 cluster.end_offsets(kTopic, kPartitions)))
        std::this_thread::sleep_for(50ms);
    CHECK(pending_errors(cluster) == 0);  // every injected Produce error fired
    CHECK(run.stop() == 0);
    CHECK(handler.distinct_finished() == kEvents);
    CHECK(cluster.end_offsets("results", 1)[0] == delivered.load());
    CHECK(delivered.load() >= kEvents);
}
