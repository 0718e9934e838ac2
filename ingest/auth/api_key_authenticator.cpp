#include "ingest/auth/api_key_authenticator.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sys/stat.h>

#include <stdexcept>

#include "common/config.hpp"
#include "common/log.hpp"
#include "ingest/auth/auth_failures.hpp"

namespace fotogal::ingest::auth {

namespace {

std::array<unsigned char, 32> sha256(std::string_view secret) {
    std::array<unsigned char, 32> out{};
    unsigned int len = 0;
    if (EVP_Digest(secret.data(), secret.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
        len != out.size())
        throw std::runtime_error("OpenSSL SHA-256 failed");
    return out;
}

}  // namespace

bool ApiKeyAuthenticator::FileIdentity::operator==(const FileIdentity& o) const {
    return device == o.device && inode == o.inode && size == o.size &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
}

bool ApiKeyAuthenticator::identify(const std::filesystem::path& file, FileIdentity& out) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return false;
    out = {st.st_dev, st.st_ino, st.st_size, st.st_mtim, st.st_ctim};
    return true;
}

ApiKeyAuthenticator::ApiKeyAuthenticator(std::filesystem::path keys_file, Now now)
    : file_(std::move(keys_file)), now_(std::move(now)) {
    // Identity first: a change between the two is then seen (and re-read) on the next check.
    identify(file_, identity_);
    keys_ = std::make_shared<const std::vector<ApiKeyEntry>>(read_api_keys_file(file_));
    last_check_ = now_();
    if (keys_->empty())
        log::warn("the API keys file holds no key: every request will be refused",
                  {{"file", file_.string()}});
    else
        log::info("API keys loaded", {{"file", file_.string()}, {"keys", keys_->size()}});
}

ApiKeyAuthenticator::Keys ApiKeyAuthenticator::current_keys() {
    std::lock_guard lock(mutex_);
    auto now = now_();
    if (now - last_check_ < kReloadInterval) return keys_;
    last_check_ = now;
    FileIdentity seen;
    if (!identify(file_, seen) || seen == identity_ || seen == rejected_) return keys_;
    try {
        auto fresh = read_api_keys_file(file_);
        keys_ = std::make_shared<const std::vector<ApiKeyEntry>>(std::move(fresh));
        identity_ = seen;
        log::info("API keys reloaded", {{"file", file_.string()}, {"keys", keys_->size()}});
    } catch (const std::exception& e) {
        // Warned once per version of the file; any later write changes its identity and is
        // read again. The message names a line number, never its text.
        rejected_ = seen;
        log::warn("API keys file not reloaded, the previous keys stay in use",
                  {{"file", file_.string()}, {"reason", e.what()}});
    }
    return keys_;
}

std::size_t ApiKeyAuthenticator::key_count() {
    return current_keys()->size();
}

AuthResult ApiKeyAuthenticator::authenticate(std::string_view authorization,
                                             std::string_view needed_scope) {
    auto token = bearer_token(authorization);
    if (auto* failure = std::get_if<AuthFailure>(&token)) return *failure;
    auto hash = sha256(std::get<std::string_view>(token));
    auto keys = current_keys();
    // Every entry is compared, matched or not, so the time taken says nothing about which.
    const ApiKeyEntry* match = nullptr;
    for (const auto& key : *keys) {
        bool equal = CRYPTO_memcmp(key.secret_sha256.data(), hash.data(), hash.size()) == 0;
        match = equal ? &key : match;
    }
    if (!match)
        return invalid_credential("unknown_api_key",
                                  "the API key is not known here (revoked, mistyped, or not yet "
                                  "in the keys file); ask an operator for a current key");
    Principal principal{match->id, "api_key", match->scopes};
    if (auto refused = check_scope(principal, needed_scope)) return *refused;
    return principal;
}

}  // namespace fotogal::ingest::auth
