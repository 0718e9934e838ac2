#include "ingest/quotas/concurrent_uploads.hpp"

namespace fotogal::ingest::quotas {

ConcurrentUploads::ConcurrentUploads(std::size_t per_principal) : limit_(per_principal) {}

std::optional<ConcurrentUploads::Slot> ConcurrentUploads::try_start(const std::string& principal) {
    std::lock_guard lock(mutex_);
    std::size_t& count = counts_[principal];
    if (limit_ != 0 && count >= limit_) return std::nullopt;
    ++count;
    return Slot(this, principal);
}

std::size_t ConcurrentUploads::in_progress(const std::string& principal) {
    std::lock_guard lock(mutex_);
    auto it = counts_.find(principal);
    return it == counts_.end() ? 0 : it->second;
}

ConcurrentUploads::Slot::~Slot() {
    if (!owner_) return;
    std::lock_guard lock(owner_->mutex_);
    auto it = owner_->counts_.find(key_);
    if (it != owner_->counts_.end() && --it->second == 0) owner_->counts_.erase(it);
}

}  // namespace fotogal::ingest::quotas
