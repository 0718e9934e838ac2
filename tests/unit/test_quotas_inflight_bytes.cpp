#include <doctest/doctest.h>

#include <thread>
#include <vector>

#include "common/metrics.hpp"
#include "ingest/quotas/inflight_bytes.hpp"

using namespace fotogal;
using namespace fotogal::ingest::quotas;

namespace {

double gauge_value() {
    return metrics::gauge("fotogal_ingest_inflight_bytes", "").value();
}

}  // namespace

TEST_CASE("quotas inflight: reservations up to the cap, released on destruction") {
    InflightBytes inflight(1000);
    double gauge_before = gauge_value();
    {
        auto a = inflight.try_reserve(600);
        REQUIRE(a);
        CHECK(inflight.in_flight() == 600);
        CHECK(gauge_value() == gauge_before + 600);
        CHECK_FALSE(inflight.try_reserve(401));  // 1001 > 1000: the caller answers 503
        auto b = inflight.try_reserve(400);      // exactly the cap
        REQUIRE(b);
        CHECK(inflight.in_flight() == 1000);
        CHECK_FALSE(inflight.try_reserve(1));
        b->release();
        CHECK(inflight.in_flight() == 600);
        CHECK(b->try_grow(1) == false);  // a released reservation holds nothing to grow
        CHECK(a->try_grow(400));
        CHECK(a->bytes() == 1000);
        CHECK_FALSE(a->try_grow(1));
        auto moved = std::move(*a);  // ownership moves; the bytes are returned once
        CHECK(inflight.in_flight() == 1000);
    }
    CHECK(inflight.in_flight() == 0);
    CHECK(gauge_value() == gauge_before);
    CHECK_FALSE(inflight.try_reserve(1001));  // larger than the cap: never fits
}

TEST_CASE("quotas inflight: concurrent reservations never exceed the cap") {
    InflightBytes inflight(10'000);
    std::atomic<std::uint64_t> peak{0};
    std::atomic<int> refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                auto r = inflight.try_reserve(3000);
                if (!r) {
                    ++refused;
                    continue;
                }
                auto seen = inflight.in_flight();
                auto old = peak.load();
                while (seen > old && !peak.compare_exchange_weak(old, seen)) {
                }
            }
        });
    for (auto& t : threads) t.join();
    CHECK(peak.load() <= 10'000);
    CHECK(inflight.in_flight() == 0);
}

TEST_CASE("quotas inflight: a cap of 0 counts but never refuses") {
    InflightBytes inflight(0);
    auto big = inflight.try_reserve(std::uint64_t{1} << 40);
    REQUIRE(big);
    CHECK(inflight.in_flight() == std::uint64_t{1} << 40);
}
