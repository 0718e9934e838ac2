// A global cap on upload bytes the ingest holds in flight at once (FOTOGAL_MAX_INFLIGHT_BYTES),
// so many large uploads together answer 503 instead of exhausting memory or disk. A
// Reservation gives its bytes back when it goes out of scope, whatever path the request takes.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

#include "common/metrics.hpp"

namespace fotogal::ingest::quotas {

class InflightBytes {
  public:
    class Reservation {
      public:
        Reservation(Reservation&& other) noexcept;
        Reservation& operator=(Reservation&& other) noexcept;
        Reservation(const Reservation&) = delete;
        Reservation& operator=(const Reservation&) = delete;
        ~Reservation() { release(); }

        std::uint64_t bytes() const { return bytes_; }
        // Reserves `more` bytes as well (a body longer than announced, a chunked upload);
        // false, and nothing changed, when the cap would be exceeded.
        bool try_grow(std::uint64_t more);
        // Gives the bytes back now rather than at destruction.
        void release();

      private:
        friend class InflightBytes;
        Reservation(InflightBytes* owner, std::uint64_t bytes) : owner_(owner), bytes_(bytes) {}
        InflightBytes* owner_;
        std::uint64_t bytes_;
    };

    // `cap` 0 means no cap (reservations are still counted in the gauge). The limiter must
    // outlive its reservations.
    explicit InflightBytes(std::uint64_t cap);
    InflightBytes(const InflightBytes&) = delete;
    InflightBytes& operator=(const InflightBytes&) = delete;

    // nullopt when `bytes` more would go over the cap (the caller answers 503).
    std::optional<Reservation> try_reserve(std::uint64_t bytes);

    std::uint64_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
    std::uint64_t cap() const { return cap_; }

  private:
    bool take(std::uint64_t bytes);
    void give_back(std::uint64_t bytes);

    std::uint64_t cap_;
    std::atomic<std::uint64_t> in_flight_{0};
    metrics::Gauge& gauge_;
};

}  // namespace fotogal::ingest::quotas
