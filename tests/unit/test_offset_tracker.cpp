// workers/offset_tracker.hpp: the committed position of a partition never passes work that
// is not finished, whatever order events finish in (DESIGN.md §5).
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "workers/offset_tracker.hpp"

namespace {

using fotogal::worker::OffsetTracker;
using fotogal::worker::TopicPartition;

const TopicPartition kP0{"fotogal.uploads", 0};
const TopicPartition kP1{"fotogal.uploads", 1};
const TopicPartition kOther{"fotogal.reprocess", 0};

}  // namespace

TEST_CASE("offset tracker: nothing to commit before anything finished") {
    OffsetTracker t;
    CHECK_FALSE(t.committable(kP0).has_value());
    t.started(kP0, 10);
    CHECK_FALSE(t.committable(kP0).has_value());
    CHECK(t.in_flight(kP0) == 1);
    CHECK(t.all_committable().empty());
}

TEST_CASE("offset tracker: in-order finishing commits offset + 1") {
    OffsetTracker t;
    for (std::int64_t o = 100; o < 105; ++o) t.started(kP0, o);
    for (std::int64_t o = 100; o < 105; ++o) {
        t.finished(kP0, o);
        CHECK(t.committable(kP0) == o + 1);
    }
    CHECK(t.in_flight(kP0) == 0);
}

TEST_CASE("offset tracker: out-of-order finishing never passes the lowest unfinished offset") {
    OffsetTracker t;
    for (std::int64_t o = 0; o < 5; ++o) t.started(kP0, o);
    t.finished(kP0, 3);
    t.finished(kP0, 4);
    CHECK_FALSE(t.committable(kP0).has_value());  // 0 is unfinished: nothing new to commit
    t.finished(kP0, 1);
    CHECK_FALSE(t.committable(kP0).has_value());
    CHECK(t.all_committable().empty());
    t.finished(kP0, 0);
    CHECK(t.committable(kP0) == 2);  // 2 is still running
    t.finished(kP0, 2);
    CHECK(t.committable(kP0) == 5);
}

TEST_CASE("offset tracker: committable is nullopt after mark_committed until there is progress") {
    OffsetTracker t;
    t.started(kP0, 0);
    t.started(kP0, 1);
    t.started(kP0, 2);
    t.finished(kP0, 0);
    REQUIRE(t.committable(kP0) == 1);
    t.mark_committed(kP0, 1);
    CHECK_FALSE(t.committable(kP0).has_value());
    CHECK(t.all_committable().empty());

    t.finished(kP0, 2);  // 1 still running: no progress at the front
    CHECK_FALSE(t.committable(kP0).has_value());

    t.finished(kP0, 1);
    CHECK(t.committable(kP0) == 3);
    t.mark_committed(kP0, 3);
    CHECK_FALSE(t.committable(kP0).has_value());

    t.started(kP0, 3);
    CHECK_FALSE(t.committable(kP0).has_value());
    t.finished(kP0, 3);
    CHECK(t.committable(kP0) == 4);
}

TEST_CASE("offset tracker: partitions and topics are independent") {
    OffsetTracker t;
    t.started(kP0, 5);
    t.started(kP1, 50);
    t.started(kOther, 500);
    t.started(kP1, 51);
    t.finished(kP1, 50);
    t.finished(kOther, 500);

    CHECK_FALSE(t.committable(kP0).has_value());
    CHECK(t.committable(kP1) == 51);
    CHECK(t.committable(kOther) == 501);
    CHECK(t.in_flight(kP0) == 1);
    CHECK(t.in_flight(kP1) == 1);
    CHECK(t.in_flight(kOther) == 0);

    auto all = t.all_committable();
    std::sort(all.begin(), all.end());
    REQUIRE(all.size() == 2);
    CHECK(all[0].first == kOther);
    CHECK(all[0].second == 501);
    CHECK(all[1].first == kP1);
    CHECK(all[1].second == 51);

    t.mark_committed(kP1, 51);
    CHECK_FALSE(t.committable(kP1).has_value());
    CHECK(t.committable(kOther) == 501);
}

TEST_CASE("offset tracker: forget drops a partition's state") {
    OffsetTracker t;
    t.started(kP0, 7);
    t.started(kP0, 8);
    t.finished(kP0, 7);
    t.mark_committed(kP0, 8);
    t.started(kP1, 1);
    t.finished(kP1, 1);

    t.forget(kP0);
    CHECK(t.in_flight(kP0) == 0);
    CHECK_FALSE(t.committable(kP0).has_value());
    CHECK(t.committable(kP1) == 2);  // untouched

    // Reassigned later, from a lower position than before: the old commit mark is gone too.
    t.started(kP0, 3);
    t.finished(kP0, 3);
    CHECK(t.committable(kP0) == 4);
}

TEST_CASE("offset tracker: random finishing order never commits past unfinished work") {
    std::mt19937 rng(20260127);
    for (int round = 0; round < 1000; ++round) {
        CAPTURE(round);
        OffsetTracker t;
        const TopicPartition tp{"fotogal.uploads", round % 3};
        const std::int64_t first = std::uniform_int_distribution<std::int64_t>(0, 1000)(rng);
        const int count = std::uniform_int_distribution<int>(1, 40)(rng);
        const std::int64_t last = first + count - 1;

        std::vector<std::int64_t> order;
        std::set<std::int64_t> unfinished;
        for (std::int64_t o = first; o <= last; ++o) {
            t.started(tp, o);
            order.push_back(o);
            unfinished.insert(o);
        }
        std::shuffle(order.begin(), order.end(), rng);

        std::optional<std::int64_t> committed;
        bool ok = true;
        for (std::int64_t o : order) {
            t.finished(tp, o);
            unfinished.erase(o);
            const std::int64_t limit = unfinished.empty() ? last + 1 : *unfinished.begin();
            if (auto c = t.committable(tp)) {
                ok = ok && *c <= limit;
                // Never goes backwards relative to what was committed.
                ok = ok && (!committed || *c > *committed);
                // Commit now and then, as the consumer loop would.
                if (std::uniform_int_distribution<int>(0, 2)(rng) == 0) {
                    t.mark_committed(tp, *c);
                    committed = *c;
                }
            }
            if (!ok) break;
        }
        REQUIRE(ok);
        CHECK(t.in_flight(tp) == 0);
        if (!committed || *committed != last + 1) CHECK(t.committable(tp) == last + 1);
        t.mark_committed(tp, last + 1);
        CHECK_FALSE(t.committable(tp).has_value());
    }
}
