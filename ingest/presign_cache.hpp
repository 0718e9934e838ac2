// Presigned rendition URLs, reused for half their life: on OCI each one is a
// pre-authenticated request created on the bucket, and a busy image must not create one per
// view. Bounded: the oldest entries go first.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace fotogal::ingest {

class PresignCache {
  public:
    using Clock = std::chrono::steady_clock;
    using Make = std::function<std::optional<std::string>()>;

    PresignCache(std::chrono::seconds ttl, std::size_t capacity = 10'000,
                 std::function<Clock::time_point()> now = Clock::now);

    // The cached URL for `key` while it has at least half its life left, else a new one
    // from `make` (nullopt when the store cannot presign).
    std::optional<std::string> get(const std::string& key, const Make& make);
    std::chrono::seconds ttl() const { return ttl_; }

  private:
    struct Entry {
        std::string url;
        Clock::time_point reuse_until;
    };
    std::chrono::seconds ttl_;
    std::size_t capacity_;
    std::function<Clock::time_point()> now_;
    std::mutex mutex_;
    std::map<std::string, Entry> entries_;
};

}  // namespace fotogal::ingest
