// Networks shared by concurrent jobs. A cv::dnn::Net is not thread-safe (forward() writes
// its own buffers) and copies of one share those buffers, so each job borrows a Net nobody
// else holds: the pool loads one at construction (a model OpenCV cannot read fails at
// start-up, not at the first image) and more only when more jobs want one at the same time,
// up to max_nets (0: no cap, so at most one per concurrent job, which the worker's
// concurrency bounds). OpenCV's own threads inside forward() follow cv::setNumThreads, which
// the worker sets from its concurrency.
//
// Usage (a tagger's resource, built once per worker in its load hook):
//   auto onnx = dnn::read_model(dnn::kYuNet);  // model_files.hpp: verified bytes
//   dnn::NetPool pool([onnx] { return cv::dnn::readNetFromONNX(onnx); }, {512, 512});
//   ...
//   dnn::NetPool::Lease net = pool.lease();  // in run(): waits only when max_nets are out
//   net->setInput(blob);                     // blob of pool.input_size(), always the same
//   cv::Mat out = net->forward();            // the Net goes back when `net` goes out of scope
//
// One pool, one input size: OpenCV 4.6 may return garbage when a Net it has run is given an
// input of another shape, so every user of a pool feeds it input_size() (letterbox or pad).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <vector>

namespace fotogal::pipeline::dnn {

class NetPool {
  public:
    // Builds a new, independent Net each call (from verified bytes, not a shared Net).
    using Loader = std::function<cv::dnn::Net()>;

    // Calls `load` once now; throws what it throws, or ModelError if the Net is empty.
    NetPool(Loader load, cv::Size input_size, std::size_t max_nets = 0);
    NetPool(const NetPool&) = delete;
    NetPool& operator=(const NetPool&) = delete;

    // A Net held alone by its owner until the lease ends (RAII: the destructor gives it back).
    class Lease {
      public:
        Lease(Lease&& other) noexcept;
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        ~Lease();
        cv::dnn::Net& operator*() const { return *net_; }
        cv::dnn::Net* operator->() const { return net_.get(); }

      private:
        friend class NetPool;
        Lease(const NetPool* pool, std::unique_ptr<cv::dnn::Net> net);
        const NetPool* pool_;
        std::unique_ptr<cv::dnn::Net> net_;
    };

    // An idle Net, a newly loaded one when none is idle and the cap allows, else waits for
    // one to come back.
    Lease lease() const;

    cv::Size input_size() const { return input_size_; }
    std::size_t loaded() const;  // Nets made so far (idle + leased)

  private:
    std::unique_ptr<cv::dnn::Net> make() const;
    void give_back(std::unique_ptr<cv::dnn::Net> net) const;

    Loader load_;
    cv::Size input_size_;
    std::size_t max_nets_;
    mutable std::mutex mutex_;
    mutable std::condition_variable returned_;
    mutable std::vector<std::unique_ptr<cv::dnn::Net>> idle_;
    mutable std::size_t loaded_ = 0;  // includes Nets being loaded, so the cap holds
};

}  // namespace fotogal::pipeline::dnn
