#include "ingest/quotas/inflight_bytes.hpp"

#include <utility>

namespace fotogal::ingest::quotas {

InflightBytes::Reservation::Reservation(Reservation&& other) noexcept
    : owner_(std::exchange(other.owner_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

InflightBytes::Reservation& InflightBytes::Reservation::operator=(Reservation&& other) noexcept {
    if (this != &other) {
        release();
        owner_ = std::exchange(other.owner_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

bool InflightBytes::Reservation::try_grow(std::uint64_t more) {
    if (!owner_ || !owner_->take(more)) return false;
    bytes_ += more;
    return true;
}

void InflightBytes::Reservation::release() {
    if (owner_ && bytes_ > 0) owner_->give_back(bytes_);
    owner_ = nullptr;
    bytes_ = 0;
}

InflightBytes::InflightBytes(std::uint64_t cap)
    : cap_(cap),
      gauge_(metrics::gauge("fotogal_ingest_inflight_bytes",
                            "Upload bytes being received or stored right now (capped by "
                            "FOTOGAL_MAX_INFLIGHT_BYTES)")) {}

bool InflightBytes::take(std::uint64_t bytes) {
    auto current = in_flight_.load(std::memory_order_relaxed);
    do {
        if (cap_ > 0 && (bytes > cap_ || current > cap_ - bytes)) return false;
    } while (
        !in_flight_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    gauge_.add(static_cast<double>(bytes));
    return true;
}

void InflightBytes::give_back(std::uint64_t bytes) {
    in_flight_.fetch_sub(bytes, std::memory_order_relaxed);
    gauge_.add(-static_cast<double>(bytes));
}

std::optional<InflightBytes::Reservation> InflightBytes::try_reserve(std::uint64_t bytes) {
    if (!take(bytes)) return std::nullopt;
    return Reservation(this, bytes);
}

}  // namespace fotogal::ingest::quotas
