#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "common/memory_budget.hpp"

using namespace fotogal;
using namespace std::chrono_literals;

namespace {

// Waits (with a deadline) until `pred` holds; the tests never sleep to synchronise.
template <typename Pred>
bool eventually(Pred pred, std::chrono::milliseconds deadline = 10s) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::yield();
    }
    return true;
}

}  // namespace

TEST_CASE("memory budget: reservations add up and are given back when destroyed") {
    MemoryBudget budget(100);
    {
        auto a = budget.acquire(60);
        auto b = budget.acquire(40);
        CHECK(budget.in_use() == 100);
        CHECK(budget.holders() == 2);
        MemoryBudget::Reservation moved = std::move(a);
        CHECK(moved.bytes() == 60);
        CHECK(a.bytes() == 0);
        CHECK(budget.in_use() == 100);
    }
    CHECK(budget.in_use() == 0);
    CHECK(budget.holders() == 0);
    CHECK(budget.peak_in_use() == 100);
}

TEST_CASE("memory budget: a request alone over the total fails at once with both sizes") {
    MemoryBudget budget(512ull << 20);
    try {
        budget.acquire(1288490189ull);  // ~1.2 GiB
        FAIL("a request larger than the budget was granted");
    } catch (const OverBudget& e) {
        CHECK(std::string(e.what()) == "needs ~1.2 GiB to process, the worker's budget is 512 MiB");
        CHECK(e.needed() == 1288490189ull);
    }
    CHECK(budget.in_use() == 0);
    CHECK(budget.waiting() == 0);
}

TEST_CASE("memory budget: a waiter is admitted when room is given back") {
    MemoryBudget budget(100);
    auto first = budget.acquire(70);
    std::atomic<bool> admitted{false};
    std::jthread waiter([&] {
        auto r = budget.acquire(50);
        admitted = true;
    });
    REQUIRE(eventually([&] { return budget.waiting() == 1; }));
    CHECK_FALSE(admitted.load());
    first.release();
    REQUIRE(eventually([&] { return admitted.load(); }));
    waiter.join();
    CHECK(budget.peak_in_use() <= 100);
}

TEST_CASE("memory budget: a big request at the head is not overtaken by small ones") {
    MemoryBudget budget(100);
    auto held = budget.acquire(30);
    std::atomic<bool> big_admitted{false}, small_admitted{false};
    std::jthread big([&] {
        auto r = budget.acquire(90);
        big_admitted = true;
    });
    REQUIRE(eventually([&] { return budget.waiting() == 1; }));
    // 10 bytes would fit beside the 30 held, but the 90 came first.
    std::jthread small([&] {
        auto r = budget.acquire(10);
        small_admitted = true;
    });
    REQUIRE(eventually([&] { return budget.waiting() == 2; }));
    CHECK_FALSE(small_admitted.load());
    CHECK_FALSE(big_admitted.load());
    held.release();
    REQUIRE(eventually([&] { return big_admitted.load() && small_admitted.load(); }));
}

TEST_CASE("memory budget: a stop request ends a wait without reserving anything") {
    MemoryBudget budget(100);
    auto held = budget.acquire(100);
    std::stop_source stop;
    std::atomic<bool> interrupted{false};
    std::jthread waiter([&] {
        try {
            budget.acquire(10, stop.get_token());
        } catch (const AdmissionInterrupted&) {
            interrupted = true;
        }
    });
    REQUIRE(eventually([&] { return budget.waiting() == 1; }));
    stop.request_stop();
    REQUIRE(eventually([&] { return interrupted.load(); }));
    waiter.join();
    CHECK(budget.waiting() == 0);
    CHECK(budget.in_use() == 100);
    // The interrupted waiter left the queue: the next one is served as soon as there is room.
    held.release();
    CHECK(budget.acquire(100).bytes() == 100);
}

TEST_CASE("memory budget: total 0 is no budget at all") {
    MemoryBudget off(0);
    CHECK_FALSE(off.enabled());
    auto r = off.acquire(1ull << 40);
    CHECK(r.bytes() == 1ull << 40);
}

TEST_CASE("memory budget: many threads never hold more than the total together") {
    MemoryBudget budget(1000);
    std::atomic<int> served{0};
    std::vector<std::jthread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                auto r = budget.acquire(100 + 50 * ((t + i) % 12));  // 100..650
                CHECK(budget.in_use() <= 1000);
                ++served;
            }
        });
    threads.clear();
    CHECK(served == 1600);  // nobody starved
    CHECK(budget.peak_in_use() <= 1000);
    CHECK(budget.in_use() == 0);
    CHECK(budget.waiting() == 0);
}

TEST_CASE("sizes: parsed with binary units, printed for people") {
    CHECK(parse_byte_size("512MiB") == 512ull << 20);
    CHECK(parse_byte_size("512m") == 512ull << 20);
    CHECK(parse_byte_size("64KiB") == 64ull << 10);
    CHECK(parse_byte_size("7") == 7u);
    CHECK_THROWS_AS(parse_byte_size("MiB"), std::invalid_argument);
    CHECK_THROWS_AS(parse_byte_size("5 MB"), std::invalid_argument);
    CHECK(human_bytes(512ull << 20) == "512 MiB");
    CHECK(human_bytes(1536ull << 20) == "1.5 GiB");
    CHECK(human_bytes(12) == "12 B");
}
