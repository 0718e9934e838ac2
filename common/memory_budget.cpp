#include "common/memory_budget.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace fotogal {

OverBudget::OverBudget(std::uint64_t needed, std::uint64_t total)
    : std::runtime_error("needs ~" + human_bytes(needed) + " to process, the worker's budget is " +
                         human_bytes(total)),
      needed_(needed),
      total_(total) {}

MemoryBudget::Reservation::Reservation(Reservation&& other) noexcept
    : budget_(other.budget_), bytes_(other.bytes_) {
    other.budget_ = nullptr;
    other.bytes_ = 0;
}

MemoryBudget::Reservation& MemoryBudget::Reservation::operator=(Reservation&& other) noexcept {
    if (this != &other) {
        release();
        budget_ = other.budget_;
        bytes_ = other.bytes_;
        other.budget_ = nullptr;
        other.bytes_ = 0;
    }
    return *this;
}

void MemoryBudget::Reservation::release() {
    if (budget_) budget_->give_back(bytes_);
    budget_ = nullptr;
    bytes_ = 0;
}

MemoryBudget::MemoryBudget(std::uint64_t total) : total_(total) {}

MemoryBudget::Reservation MemoryBudget::acquire(std::uint64_t bytes, std::stop_token stop) {
    if (enabled() && bytes > total_) throw OverBudget(bytes, total_);
    std::unique_lock lock(mutex_);
    if (enabled()) {
        std::uint64_t ticket = next_ticket_++;
        queue_.push_back(ticket);
        bool admitted = changed_.wait(
            lock, stop, [&] { return queue_.front() == ticket && in_use_ + bytes <= total_; });
        // Leaving the queue (served or not) may let the next waiter in.
        queue_.erase(std::find(queue_.begin(), queue_.end(), ticket));
        changed_.notify_all();
        if (!admitted)
            throw AdmissionInterrupted("gave up waiting for " + human_bytes(bytes) +
                                       " of the memory budget (stopping)");
    }
    in_use_ += bytes;
    ++holders_;
    peak_in_use_ = std::max(peak_in_use_, in_use_);
    peak_holders_ = std::max(peak_holders_, holders_);
    return Reservation(this, bytes);
}

void MemoryBudget::give_back(std::uint64_t bytes) {
    {
        std::lock_guard lock(mutex_);
        in_use_ -= bytes;
        --holders_;
    }
    changed_.notify_all();
}

std::uint64_t MemoryBudget::in_use() const {
    std::lock_guard lock(mutex_);
    return in_use_;
}

std::uint64_t MemoryBudget::peak_in_use() const {
    std::lock_guard lock(mutex_);
    return peak_in_use_;
}

std::size_t MemoryBudget::holders() const {
    std::lock_guard lock(mutex_);
    return holders_;
}

std::size_t MemoryBudget::peak_holders() const {
    std::lock_guard lock(mutex_);
    return peak_holders_;
}

std::size_t MemoryBudget::waiting() const {
    std::lock_guard lock(mutex_);
    return queue_.size();
}

std::string human_bytes(std::uint64_t bytes) {
    static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int unit = 0;
    while (v >= 1024 && unit < 4) v /= 1024, ++unit;
    char buf[32];
    if (unit == 0 || v >= 100 || std::fabs(v - std::round(v)) < 0.05)
        std::snprintf(buf, sizeof buf, "%.0f %s", std::round(v), kUnits[unit]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
    return buf;
}

std::uint64_t parse_byte_size(const std::string& text) {
    std::size_t i = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == 0 || i > 19)
        throw std::invalid_argument("'" + text + "' is not a size (bytes, or e.g. 512MiB, 2GiB)");
    std::uint64_t number = std::stoull(text.substr(0, i));
    std::string unit = text.substr(i);
    std::transform(unit.begin(), unit.end(), unit.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    int shift = 0;
    if (unit.empty() || unit == "b")
        shift = 0;
    else if (unit == "k" || unit == "kib")
        shift = 10;
    else if (unit == "m" || unit == "mib")
        shift = 20;
    else if (unit == "g" || unit == "gib")
        shift = 30;
    else
        throw std::invalid_argument("'" + text + "' has an unknown unit (use B, KiB, MiB or GiB)");
    if (shift > 0 && number > (~std::uint64_t{0} >> shift))
        throw std::invalid_argument("'" + text + "' is too large");
    return number << shift;
}

}  // namespace fotogal
