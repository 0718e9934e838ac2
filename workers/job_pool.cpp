#include "workers/job_pool.hpp"

namespace fotogal::worker {

JobPool::JobPool(int threads, std::function<void()> on_done) : on_done_(std::move(on_done)) {
    for (int i = 0; i < threads; ++i)
        threads_.emplace_back([this](std::stop_token stop) { work(stop); });
}

JobPool::~JobPool() {
    {
        // Queued jobs still run: each one ends by itself (finished or abandoned).
        std::unique_lock lock(mutex_);
        done_cv_.wait(lock, [this] { return queue_.empty(); });
    }
    for (auto& t : threads_) t.request_stop();
    threads_.clear();  // joins
}

void JobPool::submit(std::function<JobDone()> job) {
    {
        std::lock_guard lock(mutex_);
        queue_.push_back(std::move(job));
        ++busy_;
    }
    queued_cv_.notify_one();
}

std::size_t JobPool::busy() const {
    std::lock_guard lock(mutex_);
    return busy_;
}

std::vector<JobDone> JobPool::take_done(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    done_cv_.wait_for(lock, timeout, [this] { return !done_.empty(); });
    std::vector<JobDone> out;
    out.swap(done_);
    busy_ -= out.size();
    return out;
}

void JobPool::work(std::stop_token stop) {
    while (true) {
        std::function<JobDone()> job;
        {
            std::unique_lock lock(mutex_);
            if (!queued_cv_.wait(lock, stop, [this] { return !queue_.empty(); })) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        JobDone result = job();
        {
            std::lock_guard lock(mutex_);
            done_.push_back(std::move(result));
        }
        done_cv_.notify_all();
        if (on_done_) on_done_();
    }
}

}  // namespace fotogal::worker
