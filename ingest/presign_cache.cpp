#include "ingest/presign_cache.hpp"

namespace fotogal::ingest {

PresignCache::PresignCache(std::chrono::seconds ttl, std::size_t capacity,
                           std::function<Clock::time_point()> now)
    : ttl_(ttl), capacity_(capacity), now_(std::move(now)) {}

std::optional<std::string> PresignCache::get(const std::string& key, const Make& make) {
    auto now = now_();
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        if (it != entries_.end() && now < it->second.reuse_until) return it->second.url;
    }
    auto url = make();  // outside the lock: a network call on OCI
    if (!url) return std::nullopt;
    std::lock_guard lock(mutex_);
    if (entries_.size() >= capacity_) {
        for (auto it = entries_.begin(); it != entries_.end();)
            it = it->second.reuse_until <= now ? entries_.erase(it) : std::next(it);
        while (entries_.size() >= capacity_) {
            auto oldest = entries_.begin();
            for (auto it = entries_.begin(); it != entries_.end(); ++it)
                if (it->second.reuse_until < oldest->second.reuse_until) oldest = it;
            entries_.erase(oldest);
        }
    }
    entries_[key] = {*url, now + ttl_ / 2};
    return url;
}

}  // namespace fotogal::ingest
