// A per-process memory budget for image work. Each image reserves its estimated peak before
// a pixel is decoded and gives it back when its work is done, so the images in flight at
// once never need more than the budget, whatever their number and size: a pod is not
// OOM-killed because several huge images happened to arrive together.
//
// Waiters are served first come, first served: a big request at the head is never overtaken
// by a stream of small ones (no starvation), and a wait ends early when its stop token is
// requested (shutdown, a revoked partition). A request bigger than the whole budget can never
// be met and fails at once.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <stdexcept>
#include <stop_token>
#include <string>

namespace fotogal {

// The request alone is larger than the budget: it would wait forever.
class OverBudget : public std::runtime_error {
  public:
    OverBudget(std::uint64_t needed, std::uint64_t total);
    std::uint64_t needed() const { return needed_; }
    std::uint64_t total() const { return total_; }

  private:
    std::uint64_t needed_, total_;
};

// The wait was given up because its stop token was requested; nothing was reserved.
class AdmissionInterrupted : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class MemoryBudget {
  public:
    // Bytes reserved by one image until it is destroyed (or released); movable, not copyable.
    class Reservation {
      public:
        Reservation() = default;
        Reservation(Reservation&& other) noexcept;
        Reservation& operator=(Reservation&& other) noexcept;
        Reservation(const Reservation&) = delete;
        Reservation& operator=(const Reservation&) = delete;
        ~Reservation() { release(); }
        std::uint64_t bytes() const { return bytes_; }
        void release();

      private:
        friend class MemoryBudget;
        Reservation(MemoryBudget* budget, std::uint64_t bytes) : budget_(budget), bytes_(bytes) {}
        MemoryBudget* budget_ = nullptr;
        std::uint64_t bytes_ = 0;
    };

    // total == 0: no budget (admission off); every request is granted at once.
    explicit MemoryBudget(std::uint64_t total);
    MemoryBudget(const MemoryBudget&) = delete;
    MemoryBudget& operator=(const MemoryBudget&) = delete;

    std::uint64_t total() const { return total_; }
    bool enabled() const { return total_ > 0; }

    // Blocks until `bytes` fit beside what is reserved and every earlier waiter was served.
    // Throws OverBudget when bytes > total, AdmissionInterrupted when `stop` is requested
    // first.
    Reservation acquire(std::uint64_t bytes, std::stop_token stop = {});

    std::uint64_t in_use() const;
    std::uint64_t peak_in_use() const;  // the most ever reserved at once
    std::size_t holders() const;        // reservations alive now
    std::size_t peak_holders() const;
    std::size_t waiting() const;

  private:
    void give_back(std::uint64_t bytes);

    const std::uint64_t total_;
    mutable std::mutex mutex_;
    std::condition_variable_any changed_;
    std::deque<std::uint64_t> queue_;  // tickets of the waiters, in arrival order
    std::uint64_t next_ticket_ = 0;
    std::uint64_t in_use_ = 0, peak_in_use_ = 0;
    std::size_t holders_ = 0, peak_holders_ = 0;
};

// "1.2 GiB", "512 MiB", "900 KiB", "12 B": for messages a user reads.
std::string human_bytes(std::uint64_t bytes);

// A size setting: plain bytes ("536870912") or with a binary unit ("512MiB", "512M",
// "2GiB", "2G", "64KiB"). Throws std::invalid_argument naming what is wrong.
std::uint64_t parse_byte_size(const std::string& text);

}  // namespace fotogal
