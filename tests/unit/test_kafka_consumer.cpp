// common/kafka/consumer.hpp on librdkafka's mock cluster: cooperative-sticky rebalancing
// moves only the partitions that change owner (the first member keeps the other one, never
// revoked), and an exception thrown by a rebalance hook never unwinds through librdkafka: the
// assignment completes and poll() rethrows it afterwards.
#include <doctest/doctest.h>

#include <set>
#include <stdexcept>

#include "common/kafka/consumer.hpp"
#include "kafka_mock.hpp"

using namespace fotogal;
using namespace fotogal::test;
using namespace std::chrono_literals;

namespace {

constexpr const char* kTopicName = "moves";

struct Member {
    std::set<int> owned;
    std::vector<std::vector<int>> assigned_calls, revoked_calls;
    bool throw_on_assign = false;
    std::unique_ptr<kafka::Consumer> consumer;

    Member(const MockCluster& cluster, const std::string& group) {
        consumer = std::make_unique<kafka::Consumer>(
            cluster.settings(), group,
            kafka::RebalanceHooks{.assigned =
                                      [this](const auto& parts) {
                                          std::vector<int> ids;
                                          for (const auto& p : parts)
                                              ids.push_back(p.partition), owned.insert(p.partition);
                                          // A cooperative round may assign nothing.
                                          if (!ids.empty()) assigned_calls.push_back(ids);
                                          if (throw_on_assign)
                                              throw std::runtime_error("hook failed (test)");
                                      },
                                  .revoking =
                                      [this](const auto& parts) {
                                          std::vector<int> ids;
                                          for (const auto& p : parts)
                                              ids.push_back(p.partition), owned.erase(p.partition);
                                          if (!ids.empty()) revoked_calls.push_back(ids);
                                      },
                                  .committed = {}});
        consumer->subscribe({kTopicName});
    }
    void poll() { consumer->poll(50ms); }
};

// Polls both members until `done`, within the deadline.
bool poll_until(std::vector<Member*> members, std::chrono::seconds timeout,
                const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        for (auto* m : members) m->poll();
        if (done()) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("kafka consumer: a second member takes one partition; the first keeps the other") {
    MockCluster cluster(1);
    cluster.create_topic(kTopicName, 2);
    Member first(cluster, "coop");
    REQUIRE(poll_until({&first}, 30s, [&] { return first.owned.size() == 2; }));
    REQUIRE(first.assigned_calls.size() == 1);
    Member second(cluster, "coop");
    REQUIRE(poll_until({&first, &second}, 60s,
                       [&] { return first.owned.size() == 1 && second.owned.size() == 1; }));
    // Incremental: exactly the moving partition was revoked, once; nothing was revoked from
    // the first member before that, and it was never re-assigned what it kept.
    REQUIRE(first.revoked_calls.size() == 1);
    CHECK(first.revoked_calls[0].size() == 1);
    CHECK(first.assigned_calls.size() == 1);
    CHECK(second.revoked_calls.empty());
    CHECK(*first.owned.begin() != *second.owned.begin());
    REQUIRE(second.assigned_calls.size() == 1);
    CHECK(second.assigned_calls[0] == first.revoked_calls[0]);
}

TEST_CASE("kafka consumer: a throwing rebalance hook is rethrown by poll(), after the assignment") {
    MockCluster cluster(1);
    cluster.create_topic(kTopicName, 2);
    Member member(cluster, "hooks");
    member.throw_on_assign = true;
    bool thrown = false;
    auto deadline = std::chrono::steady_clock::now() + 30s;
    while (!thrown && std::chrono::steady_clock::now() < deadline) {
        try {
            member.poll();
        } catch (const std::runtime_error& e) {
            thrown = true;
            CHECK(std::string(e.what()) == "hook failed (test)");
        }
    }
    CHECK(thrown);  // the fault fired and came out of poll(), not through librdkafka
    CHECK(member.assigned_calls.size() == 1);
    member.throw_on_assign = false;
    // The assignment went through despite the hook's failure: messages arrive.
    cluster.produce(kTopicName, 4);
    int received = 0;
    deadline = std::chrono::steady_clock::now() + 30s;
    while (received < 4 && std::chrono::steady_clock::now() < deadline)
        if (auto m = member.consumer->poll(50ms); m && m->status == kafka::Message::Status::ok)
            ++received;
    CHECK(received == 4);
}
