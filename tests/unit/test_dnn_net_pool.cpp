#include <doctest/doctest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "workers/pipeline/dnn/model_files.hpp"
#include "workers/pipeline/dnn/net_pool.hpp"

namespace dnn = fotogal::pipeline::dnn;

namespace {

// A one-layer network (output = input) built in memory: cheap to load, and its output shows
// whether another thread's input got into it.
cv::dnn::Net identity_net() {
    cv::dnn::Net net;
    cv::dnn::LayerParams params;
    net.addLayerToPrev("same", "Identity", params);
    return net;
}

}  // namespace

TEST_CASE("net pool: one Net is loaded at construction, more only for concurrent leases") {
    std::atomic<int> loads = 0;
    dnn::NetPool pool(
        [&] {
            ++loads;
            return identity_net();
        },
        {8, 8});
    CHECK(loads == 1);
    CHECK(pool.input_size() == cv::Size(8, 8));
    { auto a = pool.lease(); }
    {
        auto a = pool.lease();  // the idle one again
        CHECK(loads == 1);
        auto b = pool.lease();  // a second user at the same time: a second Net
        CHECK(loads == 2);
        CHECK(&*a != &*b);
    }
    auto c = pool.lease();
    CHECK(loads == 2);
    CHECK(pool.loaded() == 2);
}

TEST_CASE("net pool: concurrent leases never share a Net and never pass the cap") {
    constexpr std::size_t kCap = 2;
    dnn::NetPool pool(identity_net, {4, 1}, kCap);
    std::mutex mutex;
    std::map<const cv::dnn::Net*, int> holders;
    std::atomic<int> shared = 0, wrong_output = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 40; ++i) {
                auto net = pool.lease();
                {
                    std::lock_guard lock(mutex);
                    if (++holders[&*net] > 1) ++shared;
                }
                cv::Mat input(1, 4, CV_32F, cv::Scalar(t * 1000 + i));
                net->setInput(input);
                cv::Mat output = net->forward();
                if (cv::norm(output.reshape(1, 1), input, cv::NORM_INF) != 0) ++wrong_output;
                std::lock_guard lock(mutex);
                --holders[&*net];
            }
        });
    for (auto& thread : threads) thread.join();
    CHECK(shared == 0);
    CHECK(wrong_output == 0);
    CHECK(pool.loaded() <= kCap);
}

TEST_CASE("net pool: a lease waits for a Net to come back when the cap is reached") {
    dnn::NetPool pool(identity_net, {1, 1}, 1);
    auto held = std::make_unique<dnn::NetPool::Lease>(pool.lease());
    const cv::dnn::Net* first = &**held;
    std::atomic<bool> got = false;
    std::thread waiter([&] {
        auto net = pool.lease();
        CHECK(&*net == first);  // the same Net, handed over, not a second one
        got = true;
    });
    CHECK_FALSE(got);  // cannot have one: the only Net is held here
    held.reset();
    waiter.join();
    CHECK(got);
    CHECK(pool.loaded() == 1);
}

TEST_CASE(
    "net pool: a loader that fails fails the construction, and a Net OpenCV left empty "
    "is an error") {
    CHECK_THROWS_AS(
        dnn::NetPool([]() -> cv::dnn::Net { throw std::runtime_error("bad model"); }, {1, 1}),
        std::runtime_error);
    CHECK_THROWS_AS(dnn::NetPool([] { return cv::dnn::Net(); }, {1, 1}), dnn::ModelError);
}

TEST_CASE("net pool: the pinned YuNet loads from its verified bytes") {
    auto onnx = dnn::read_model(dnn::kYuNet);
    dnn::NetPool pool([onnx] { return cv::dnn::readNetFromONNX(onnx); }, {640, 640});
    auto net = pool.lease();
    CHECK_FALSE(net->empty());
}
