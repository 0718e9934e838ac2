#include "common/storage/oci_session_source.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/log.hpp"
#include "common/storage/oci_identity_crypto.hpp"
#include "common/storage/signing_crypto.hpp"

namespace fotogal::storage {

namespace {

// Past this fraction of the lifetime before expiry (at most a minute), signers wait for a
// new token rather than send one the service may already refuse on arrival.
constexpr int kMarginDivisor = 10;
constexpr std::chrono::seconds kMaxMargin{60};
// After a failed refresh, the next attempt comes at most this much later.
constexpr std::chrono::seconds kMaxRetryDelay{10};

}  // namespace

WallClock::time_point jwt_expiry(const std::string& jwt, const std::string& source) {
    auto first = jwt.find('.');
    auto second = first == std::string::npos ? first : jwt.find('.', first + 1);
    if (second == std::string::npos)
        throw StorageError(source + ": the session token is not a JWT", false);
    auto payload =
        crypto::base64_decode(std::string_view(jwt).substr(first + 1, second - first - 1));
    auto claims = payload ? nlohmann::json::parse(*payload, nullptr, false) : nlohmann::json();
    auto exp = claims.is_object() ? claims.find("exp") : claims.end();
    if (exp == claims.end() || !exp->is_number())
        throw StorageError(source + ": the session token has no numeric exp claim", false);
    return WallClock::time_point(std::chrono::seconds(exp->get<std::int64_t>()));
}

std::shared_ptr<const OciSessionSource::Session> OciSessionSource::current() const {
    std::lock_guard lock(mutex_);
    return session_;
}

SigningIdentity OciSessionSource::identity() {
    auto now = WallClock::now();
    auto seen = current();
    if (seen && now < seen->refresh_at) return seen->identity;
    if (seen && now < seen->good_until) {
        // Half the lifetime has passed: one thread refreshes, the others keep signing with
        // the token, which is still good.
        std::unique_lock lock(refresh_mutex_, std::try_to_lock);
        if (!lock.owns_lock()) return seen->identity;
        return refresh(seen)->identity;
    }
    std::lock_guard lock(refresh_mutex_);
    return refresh(seen)->identity;
}

std::shared_ptr<const OciSessionSource::Session> OciSessionSource::refresh(
    const std::shared_ptr<const Session>& seen) {
    auto latest = current();
    auto now = WallClock::now();
    // Another thread refreshed while this one waited for the lock.
    if (latest && latest != seen && now < latest->refresh_at) return latest;
    try {
        PrivateKey key = generate_session_key();
        std::string token = fetch_token(key.get());
        auto expires = jwt_expiry(token, std::string("FOTOGAL_OCI_AUTH=") + mode());
        auto fetched = WallClock::now();
        if (expires <= fetched)
            throw StorageError(std::string("FOTOGAL_OCI_AUTH=") + mode() +
                                   ": the new session token has already expired (is the clock "
                                   "right?)",
                               true);
        auto life = expires - fetched;
        auto margin = std::min<WallClock::duration>(life / kMarginDivisor, kMaxMargin);
        auto next = std::make_shared<const Session>(
            Session{{"ST$" + token, std::move(key)}, fetched + life / 2, expires - margin});
        std::lock_guard lock(mutex_);
        session_ = next;
        return next;
    } catch (const std::exception& e) {
        if (!latest || now >= latest->good_until) throw;
        log::warn("OCI session token refresh failed; signing with the current token meanwhile",
                  {{"auth", mode()}, {"error", e.what()}});
        auto retry =
            now + std::min<WallClock::duration>((latest->good_until - now) / 4, kMaxRetryDelay);
        auto next =
            std::make_shared<const Session>(Session{latest->identity, retry, latest->good_until});
        std::lock_guard lock(mutex_);
        session_ = next;
        return next;
    }
}

HttpResponse OciSessionSource::call_endpoint(HttpClient& http, const HttpRequest& request,
                                             const std::string& what, const std::string& hint) {
    HttpResponse r;
    try {
        r = http.perform(request);
    } catch (const HttpTransportError& e) {
        throw StorageError(what + ": " + e.what(), true);
    }
    if (r.status >= 200 && r.status < 300) return r;
    std::string body = r.text().substr(0, 300);
    bool refused = r.status == 401 || r.status == 403 || r.status == 404;
    throw StorageError(what + ": HTTP " + std::to_string(r.status) + (body.empty() ? "" : " ") +
                           body + (refused && !hint.empty() ? " (" + hint + ")" : ""),
                       http_status_kind(r.status) == ErrorKind::transient);
}

void OciSessionSource::rejected(const SigningIdentity& used) {
    std::lock_guard lock(mutex_);
    if (!session_ || session_->identity.key_id != used.key_id) return;
    auto now = WallClock::now();
    session_ = std::make_shared<const Session>(Session{session_->identity, now, now});
}

}  // namespace fotogal::storage
