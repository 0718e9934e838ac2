// Turns SIGTERM / SIGINT into a stop request without global state: the signals are blocked
// in every thread and one watcher thread waits for them with sigwait().
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <thread>

namespace fotogal {

class ShutdownSignal {
  public:
    // Call before starting any other thread, so every thread inherits the blocked mask.
    explicit ShutdownSignal(std::function<void()> on_signal);
    ~ShutdownSignal();
    ShutdownSignal(const ShutdownSignal&) = delete;
    ShutdownSignal& operator=(const ShutdownSignal&) = delete;

  private:
    std::thread watcher_;
};

// Blocks the calling thread until `stop` is requested.
void wait_for_stop(std::stop_token stop);
// Blocks until `stop` is requested (true) or `timeout` has passed (false).
bool wait_for_stop(std::stop_token stop, std::chrono::milliseconds timeout);

}  // namespace fotogal
