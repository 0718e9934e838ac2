// A fixed set of threads running queued tasks in order of arrival. The server keeps two: one
// for API handlers, a small one for health and metrics, so a busy API never delays a probe.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fotogal::http {

class TaskPool {
  public:
    TaskPool(std::size_t threads, std::string name);
    ~TaskPool();  // runs what is queued, then joins
    TaskPool(const TaskPool&) = delete;
    TaskPool& operator=(const TaskPool&) = delete;

    void post(std::function<void()> task);
    std::size_t queued() const;

  private:
    void run();
    std::string name_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    std::vector<std::thread> threads_;
};

}  // namespace fotogal::http
