#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/shutdown_signal.hpp"

using namespace std::chrono_literals;

TEST_CASE("shutdown: SIGTERM reaches the callback instead of killing the process") {
    std::stop_source stop;
    fotogal::ShutdownSignal signal([&] { stop.request_stop(); });
    REQUIRE(::kill(::getpid(), SIGTERM) == 0);
    CHECK(fotogal::wait_for_stop(stop.get_token(), 10s));
}

TEST_CASE("shutdown: waiting for a stop ends at the request or at the timeout") {
    std::stop_source never;
    auto t0 = std::chrono::steady_clock::now();
    CHECK_FALSE(fotogal::wait_for_stop(never.get_token(), 20ms));
    CHECK(std::chrono::steady_clock::now() - t0 >= 20ms);

    std::stop_source soon;
    std::jthread requester([&] { soon.request_stop(); });
    CHECK(fotogal::wait_for_stop(soon.get_token(), 10s));
}
