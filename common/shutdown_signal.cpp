#include "common/shutdown_signal.hpp"

#include <pthread.h>
#include <signal.h>

#include <condition_variable>
#include <mutex>

#include "common/log.hpp"

namespace fotogal {

namespace {

sigset_t shutdown_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGUSR2);  // private wake-up used by the destructor
    return set;
}

}  // namespace

ShutdownSignal::ShutdownSignal(std::function<void()> on_signal) {
    sigset_t set = shutdown_signals();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    watcher_ = std::thread([set, on_signal = std::move(on_signal)] {
        int sig = 0;
        sigwait(&set, &sig);
        if (sig == SIGUSR2) return;
        log::info("shutdown requested", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});
        on_signal();
    });
}

ShutdownSignal::~ShutdownSignal() {
    pthread_kill(watcher_.native_handle(), SIGUSR2);
    watcher_.join();
}

void wait_for_stop(std::stop_token stop) {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait(lock, stop, [] { return false; });
}

bool wait_for_stop(std::stop_token stop, std::chrono::milliseconds timeout) {
    std::mutex mutex;
    std::condition_variable_any cv;
    std::unique_lock lock(mutex);
    cv.wait_for(lock, stop, timeout, [] { return false; });
    return stop.stop_requested();
}

}  // namespace fotogal
