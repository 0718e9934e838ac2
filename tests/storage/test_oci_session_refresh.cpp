// The session-token refresh of OciSessionSource, with a fake token endpoint: one fetch for
// many concurrent signers, a new token at half the lifetime (before the old one expires), the
// current token kept while a refresh fails, an error only once it is about to expire, and a
// new token after the service refused one. Plus the JWT and base64 parsing it relies on.
#include <doctest/doctest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/storage/oci_session_source.hpp"
#include "common/storage/signing_crypto.hpp"

namespace {

using namespace fotogal::storage;
using namespace std::chrono_literals;

std::string b64url(const std::string& raw) {
    std::string s = crypto::base64(raw);
    for (auto& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
    while (s.ends_with("=")) s.pop_back();
    return s;
}

std::string jwt_expiring(WallClock::time_point exp, int serial = 0) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(exp.time_since_epoch());
    return b64url(R"({"alg":"RS256"})") + "." +
           b64url(nlohmann::json{{"exp", seconds.count()}, {"jti", serial}}.dump()) + ".sig";
}

class FakeSession final : public OciSessionSource {
  public:
    explicit FakeSession(std::chrono::seconds lifetime) : lifetime_(lifetime) {}
    std::atomic<int> fetches{0};
    std::atomic<bool> failing{false};
    WallClock::time_point last_expiry;

    std::string region() const override { return ""; }
    const char* mode() const override { return "fake"; }

  protected:
    std::string fetch_token(EVP_PKEY* key) override {
        CHECK(key != nullptr);
        int serial = ++fetches;
        if (failing) throw StorageError("token endpoint down", true);
        // Whole seconds, as in a JWT; the token lives `lifetime_` from the next second.
        auto now = std::chrono::ceil<std::chrono::seconds>(WallClock::now());
        last_expiry = now + lifetime_;
        return jwt_expiring(last_expiry, serial);
    }

  private:
    std::chrono::seconds lifetime_;
};

// Calls identity() until `done` holds or `limit` passes; every call must succeed.
template <class Done>
bool poll_until(FakeSession& s, Done done, std::chrono::seconds limit = 10s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        auto id = s.identity();
        if (done(id)) return true;
        std::this_thread::yield();
    }
    return false;
}

}  // namespace

TEST_CASE("OCI identity: concurrent signers share one session token fetch") {
    FakeSession s(3600s);
    std::vector<std::string> ids(8);
    std::vector<std::thread> threads;
    for (auto& id : ids) threads.emplace_back([&s, &id] { id = s.identity().key_id; });
    for (auto& t : threads) t.join();
    CHECK(s.fetches == 1);
    for (const auto& id : ids) {
        CHECK(id.starts_with("ST$"));
        CHECK(id == ids.front());
    }
}

TEST_CASE("OCI identity: a session token is replaced at half its lifetime, before it expires") {
    FakeSession s(4s);
    auto first = s.identity();
    auto first_expiry = s.last_expiry;
    bool replaced =
        poll_until(s, [&](const SigningIdentity& id) { return id.key_id != first.key_id; });
    REQUIRE(replaced);
    CHECK(WallClock::now() < first_expiry);
    CHECK(s.fetches == 2);
    CHECK(s.identity().key.get() != first.key.get());  // a new session key pair too
}

TEST_CASE("OCI identity: a failed refresh keeps the current token until it nears expiry") {
    FakeSession s(3s);
    auto first = s.identity();
    s.failing = true;
    // The refresh at half the lifetime fails; signing goes on with the current token.
    int other_tokens = 0;
    REQUIRE(poll_until(s, [&](const SigningIdentity& id) {
        other_tokens += id.key_id != first.key_id;
        return s.fetches >= 2;
    }));
    // Near expiry there is nothing left to sign with: an error worth retrying.
    auto deadline = std::chrono::steady_clock::now() + 10s;
    bool threw = false;
    while (!threw && std::chrono::steady_clock::now() < deadline) {
        try {
            auto id = s.identity();
            other_tokens += id.key_id != first.key_id;
        } catch (const StorageError& e) {
            threw = true;
            CHECK(e.transient());
            CHECK(std::string(e.what()).find("token endpoint down") != std::string::npos);
        }
    }
    CHECK(threw);
    CHECK(other_tokens == 0);
    s.failing = false;
    CHECK(s.identity().key_id != first.key_id);
}

TEST_CASE("OCI identity: a token the service refused is replaced on the next request") {
    FakeSession s(3600s);
    auto first = s.identity();
    s.rejected(SigningIdentity{"ST$someone-else", nullptr});  // not ours: no effect
    CHECK(s.identity().key_id == first.key_id);
    s.rejected(first);
    CHECK(s.identity().key_id != first.key_id);
    CHECK(s.fetches == 2);
}

TEST_CASE("OCI identity: JWT expiry and base64 parsing") {
    auto exp = WallClock::time_point(std::chrono::seconds(1900000000));
    CHECK(jwt_expiry(jwt_expiring(exp), "test") == exp);
    CHECK_THROWS_AS(jwt_expiry("not-a-jwt", "test"), StorageError);
    CHECK_THROWS_AS(jwt_expiry(b64url("{}") + "." + b64url(R"({"sub":"x"})") + ".s", "test"),
                    StorageError);
    CHECK(crypto::base64_decode("aGVsbG8=") == std::optional<std::string>("hello"));
    CHECK(crypto::base64_decode("aGVsbG8") == std::optional<std::string>("hello"));
    CHECK(crypto::base64_decode("-_8") == std::optional<std::string>("\xfb\xff"));
    CHECK(crypto::base64_decode("+/8=") == std::optional<std::string>("\xfb\xff"));
    CHECK_FALSE(crypto::base64_decode("a$b"));
    CHECK_FALSE(crypto::base64_decode("a"));
}
