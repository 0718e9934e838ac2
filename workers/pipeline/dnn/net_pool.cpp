#include "workers/pipeline/dnn/net_pool.hpp"

#include "workers/pipeline/dnn/model_files.hpp"

namespace fotogal::pipeline::dnn {

NetPool::NetPool(Loader load, cv::Size input_size, std::size_t max_nets)
    : load_(std::move(load)), input_size_(input_size), max_nets_(max_nets) {
    loaded_ = 1;
    idle_.push_back(make());
}

std::unique_ptr<cv::dnn::Net> NetPool::make() const {
    auto net = std::make_unique<cv::dnn::Net>(load_());
    if (net->empty()) throw ModelError("OpenCV read the model but built an empty network");
    return net;
}

NetPool::Lease NetPool::lease() const {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || max_nets_ == 0 || loaded_ < max_nets_; });
    if (!idle_.empty()) {
        auto net = std::move(idle_.back());
        idle_.pop_back();
        return Lease(this, std::move(net));
    }
    ++loaded_;  // reserved before loading outside the lock, so the cap holds meanwhile
    lock.unlock();
    try {
        return Lease(this, make());
    } catch (...) {
        lock.lock();
        --loaded_;
        returned_.notify_one();
        throw;
    }
}

std::size_t NetPool::loaded() const {
    std::lock_guard lock(mutex_);
    return loaded_;
}

void NetPool::give_back(std::unique_ptr<cv::dnn::Net> net) const {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(std::move(net));
    }
    returned_.notify_one();
}

NetPool::Lease::Lease(const NetPool* pool, std::unique_ptr<cv::dnn::Net> net)
    : pool_(pool), net_(std::move(net)) {}

NetPool::Lease::Lease(Lease&& other) noexcept : pool_(other.pool_), net_(std::move(other.net_)) {}

NetPool::Lease::~Lease() {
    if (net_) pool_->give_back(std::move(net_));
}

}  // namespace fotogal::pipeline::dnn
