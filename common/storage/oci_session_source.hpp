// The shared half of the two session-token identities (instance principal, workload
// identity): a session key pair made in memory, a token bound to its public half fetched by
// the subclass, and the refresh. A token is refreshed once half its lifetime has passed, by
// one thread while the others go on signing with the current one, so requests never wait on
// or fail for a refresh; only when the token is about to expire (or was refused) do signers
// wait for the new one. A failed refresh is retried while the current token is still good.
#pragma once

#include <chrono>
#include <mutex>

#include "common/storage/oci_credential_source.hpp"

namespace fotogal::storage {

using WallClock = std::chrono::system_clock;

// The `exp` claim of a JWT (seconds since the epoch). Throws StorageError naming `source`
// when the token is not a JWT with a numeric exp.
WallClock::time_point jwt_expiry(const std::string& jwt, const std::string& source);

class OciSessionSource : public OciCredentialSource {
  public:
    SigningIdentity identity() override;
    void rejected(const SigningIdentity& used) override;

  protected:
    // A session token (without "ST$") bound to `session_key`'s public half. Throws
    // StorageError (transient when a later attempt may succeed). Called by one thread at a
    // time.
    virtual std::string fetch_token(EVP_PKEY* session_key) = 0;

    // One call to a token or metadata endpoint: the 2xx response, or a StorageError that
    // names `what` and the status and is transient when a retry may help (network, 429, 5xx).
    // `hint` is added to the message of a 401/403/404.
    static HttpResponse call_endpoint(HttpClient& http, const HttpRequest& request,
                                      const std::string& what, const std::string& hint = "");

  private:
    struct Session {
        SigningIdentity identity;
        WallClock::time_point refresh_at;  // half the lifetime
        WallClock::time_point good_until;  // expiry less a margin: past it, signers wait
    };
    std::shared_ptr<const Session> current() const;
    std::shared_ptr<const Session> refresh(const std::shared_ptr<const Session>& seen);

    mutable std::mutex mutex_;  // guards session_
    std::mutex refresh_mutex_;  // one fetch at a time
    std::shared_ptr<const Session> session_;
};

}  // namespace fotogal::storage
