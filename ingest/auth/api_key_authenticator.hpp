// FOTOGAL_AUTH=api_key: `Authorization: Bearer <secret>`; the secret's SHA-256 is compared
// with every key of the keys file in constant time. The file is re-read when it changes
// (Kubernetes Secret rotation swaps a symlink), checked at most once a second on the request
// path, so a rotated key works without a restart.
#pragma once

#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "ingest/auth/api_keys_file.hpp"
#include "ingest/auth/authenticator.hpp"

namespace fotogal::ingest::auth {

class ApiKeyAuthenticator final : public Authenticator {
  public:
    using Clock = std::chrono::steady_clock;
    using Now = std::function<Clock::time_point()>;
    static constexpr std::chrono::seconds kReloadInterval{1};

    // Throws ConfigError when the file is missing, unreadable or has a bad line.
    explicit ApiKeyAuthenticator(std::filesystem::path keys_file, Now now = Clock::now);

    AuthResult authenticate(std::string_view authorization, std::string_view needed_scope) override;

    std::size_t key_count();

  private:
    // What tells a changed file apart; stat() follows the symlinks of a mounted Secret.
    struct FileIdentity {
        dev_t device = 0;
        ino_t inode = 0;
        off_t size = 0;
        timespec mtime{}, ctime{};
        bool operator==(const FileIdentity& o) const;
    };
    using Keys = std::shared_ptr<const std::vector<ApiKeyEntry>>;

    Keys current_keys();
    static bool identify(const std::filesystem::path& file, FileIdentity& out);

    std::filesystem::path file_;
    Now now_;
    std::mutex mutex_;
    Keys keys_;
    FileIdentity identity_;
    FileIdentity rejected_;  // the version of the file last found bad
    Clock::time_point last_check_;
};

}  // namespace fotogal::ingest::auth
