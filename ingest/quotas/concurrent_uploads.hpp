// How many uploads one principal may have in progress at once (FOTOGAL_MAX_UPLOADS_PER_PRINCIPAL),
// so a principal with slow uploads — each within the minimum body rate — cannot hold every
// handler thread. A Slot gives its place back when it goes out of scope.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace fotogal::ingest::quotas {

class ConcurrentUploads {
  public:
    class Slot {
      public:
        Slot(Slot&& other) noexcept : owner_(other.owner_), key_(std::move(other.key_)) {
            other.owner_ = nullptr;
        }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        Slot& operator=(Slot&&) = delete;
        ~Slot();

      private:
        friend class ConcurrentUploads;
        Slot(ConcurrentUploads* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
        ConcurrentUploads* owner_;
        std::string key_;
    };

    explicit ConcurrentUploads(std::size_t per_principal);  // 0: no limit

    // nullopt when `principal` already has its limit of uploads in progress.
    std::optional<Slot> try_start(const std::string& principal);
    std::size_t in_progress(const std::string& principal);

  private:
    std::size_t limit_;
    std::mutex mutex_;
    std::map<std::string, std::size_t> counts_;  // only principals with uploads in progress
};

}  // namespace fotogal::ingest::quotas
