// Turns SIGTERM / SIGINT into a stop request without global state: the signals are blocked
// in every thread and one watcher thread waits for them with sigwait().
#pragma once

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

}  // namespace fotogal
