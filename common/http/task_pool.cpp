#include "common/http/task_pool.hpp"

#include "common/log.hpp"

namespace fotogal::http {

TaskPool::TaskPool(std::size_t threads, std::string name) : name_(std::move(name)) {
    threads_.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

TaskPool::~TaskPool() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
}

void TaskPool::post(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        tasks_.push_back(std::move(task));
    }
    wake_.notify_one();
}

std::size_t TaskPool::queued() const {
    std::lock_guard lock(mutex_);
    return tasks_.size();
}

void TaskPool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
            if (tasks_.empty()) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        try {
            task();
        } catch (const std::exception& e) {
            // Tasks handle their own errors; this only keeps a thread from dying on a bug.
            log::error("http task failed", {{"pool", name_}, {"error", e.what()}});
        }
    }
}

}  // namespace fotogal::http
