#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "common/config.hpp"
#include "ingest/auth/jwks_fetch.hpp"
#include "ingest/auth/oidc_authenticator.hpp"
#include "jwt_support.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using namespace fotogal::ingest::auth;
namespace jwt = fotogal::test::jwt;
using nlohmann::json;
using Clock = OidcAuthenticator::Clock;

namespace {

const std::string kIssuer = "https://idcs-test.identity.example.com";
const std::string kAudience = "fotogal-ingest";
const Clock::time_point kStart = Clock::time_point(std::chrono::seconds(1'900'000'000));

std::int64_t at(std::chrono::seconds offset) {
    return std::chrono::duration_cast<std::chrono::seconds>((kStart + offset).time_since_epoch())
        .count();
}

json claims(json extra = json::object()) {
    json c = {{"iss", kIssuer},
              {"aud", kAudience},
              {"sub", "user-42"},
              {"exp", at(std::chrono::minutes(10))},
              {"nbf", at(-std::chrono::minutes(1))},
              {"iat", at(-std::chrono::minutes(1))}};
    c.update(extra);
    return c;
}

// An authenticator over a JWKS file in a temp dir, with a clock the test moves and a count of
// the JWKS fetches.
struct Fixture {
    test::TempDir dir;
    std::filesystem::path jwks = dir.path() / "jwks.json";
    Clock::time_point now = kStart;
    int fetches = 0;
    std::unique_ptr<OidcAuthenticator> auth;

    explicit Fixture(const std::vector<const jwt::SigningKey*>& keys = {&jwt::rsa_key(),
                                                                        &jwt::ec_key()}) {
        jwt::write_file(jwks, jwt::jwks(keys).dump());
        AuthSettings s;
        s.mode = "oidc";
        s.oidc_issuer = kIssuer;
        s.oidc_audience = kAudience;
        s.oidc_jwks = jwks.string();
        auth = std::make_unique<OidcAuthenticator>(
            s, [this] { return now; },
            [this](const std::string& location) {
                ++fetches;
                return fetch_jwks(location);
            });
    }
    AuthResult check(const std::string& token, std::string_view scope = "upload") {
        return auth->authenticate("Bearer " + token, scope);
    }
};

const Principal& principal_of(const AuthResult& r) {
    REQUIRE(std::holds_alternative<Principal>(r));
    return std::get<Principal>(r);
}

AuthFailure failure_of(const AuthResult& r, const std::string& token) {
    REQUIRE(std::holds_alternative<AuthFailure>(r));
    auto f = std::get<AuthFailure>(r);
    // Whatever went wrong, the token is in neither the message nor the challenge.
    CHECK(f.message.find(token) == std::string::npos);
    CHECK(f.www_authenticate.find(token) == std::string::npos);
    return f;
}

}  // namespace

TEST_CASE("auth oidc: good RS256 and ES256 tokens give the sub as principal") {
    Fixture f;
    auto rs = principal_of(f.check(jwt::sign(jwt::rsa_key(), claims())));
    CHECK(rs.id == "user-42");
    CHECK(rs.method == "oidc");
    CHECK(rs.scopes == std::set<std::string>{"upload", "read"});  // no scope claim: both
    CHECK(principal_of(f.check(jwt::sign(jwt::ec_key(), claims()))).id == "user-42");
    // A token without kid is checked against the keys of the set.
    CHECK(principal_of(f.check(jwt::sign(jwt::ec_key(), claims(), {{"kid", nullptr}}))).id ==
          "user-42");
}

TEST_CASE("auth oidc: alg none and HS256 are refused, even with a valid-looking signature") {
    Fixture f;
    json none = {{"alg", "none"}, {"typ", "JWT"}, {"kid", "rsa-1"}};
    auto unsigned_token = jwt::b64url(none.dump()) + "." + jwt::b64url(claims().dump()) + ".";
    auto r1 = failure_of(f.check(unsigned_token), unsigned_token);
    CHECK(r1.status == 401);
    CHECK(r1.code == "invalid_token");
    CHECK(r1.message.find("RS256") != std::string::npos);

    // The classic confusion attack: HMAC keyed with the public key's JWK text.
    json hs = {{"alg", "HS256"}, {"typ", "JWT"}, {"kid", "rsa-1"}};
    auto input = jwt::b64url(hs.dump()) + "." + jwt::b64url(claims().dump());
    auto hs_token = input + "." + jwt::b64url(jwt::hmac_sha256(jwt::rsa_key().jwk().dump(), input));
    auto r2 = failure_of(f.check(hs_token), hs_token);
    CHECK(r2.status == 401);
    CHECK(r2.message.find("HS256") != std::string::npos);
}

TEST_CASE("auth oidc: a tampered payload or a signature by another key is refused") {
    Fixture f;
    auto good = jwt::sign(jwt::rsa_key(), claims());
    auto dot1 = good.find('.'), dot2 = good.rfind('.');
    auto forged_payload = jwt::b64url(claims({{"sub", "admin"}}).dump());
    auto tampered = good.substr(0, dot1 + 1) + forged_payload + good.substr(dot2);
    auto r = failure_of(f.check(tampered), tampered);
    CHECK(r.status == 401);
    CHECK(r.code == "invalid_token");
    CHECK(r.message.find("signature") != std::string::npos);

    // Signed by a key that is not in the JWKS, under the kid of one that is.
    auto impostor = jwt::sign(jwt::other_rsa_key(), claims(), {{"kid", "rsa-1"}});
    CHECK(failure_of(f.check(impostor), impostor).code == "invalid_token");
    // ES256 signature bytes cut short.
    auto es = jwt::sign(jwt::ec_key(), claims());
    auto cut = es.substr(0, es.size() - 4);
    CHECK(failure_of(f.check(cut), cut).status == 401);
    for (std::string garbage : {"abc", "a.b", "a.b.c.d", "!!!.###.$$$"})
        CHECK(failure_of(f.check(garbage), garbage).status == 401);
}

TEST_CASE("auth oidc: exp and nbf are checked with the clock skew") {
    Fixture f;  // skew 60 s
    auto expired_long_ago =
        jwt::sign(jwt::rsa_key(), claims({{"exp", at(-std::chrono::minutes(5))}}));
    auto r = failure_of(f.check(expired_long_ago), expired_long_ago);
    CHECK(r.code == "token_expired");
    CHECK(r.www_authenticate.find("error=\"invalid_token\"") != std::string::npos);
    // Expired 30 s ago: within the skew.
    auto just_expired = jwt::sign(jwt::rsa_key(), claims({{"exp", at(-std::chrono::seconds(30))}}));
    CHECK(principal_of(f.check(just_expired)).id == "user-42");
    f.now += std::chrono::seconds(31);  // now 61 s past its exp
    CHECK(failure_of(f.check(just_expired), just_expired).code == "token_expired");

    auto future = jwt::sign(jwt::ec_key(), claims({{"nbf", at(std::chrono::minutes(5))}}));
    CHECK(failure_of(f.check(future), future).code == "token_not_yet_valid");
    auto soon = jwt::sign(jwt::ec_key(), claims({{"nbf", at(std::chrono::seconds(31 + 45))}}));
    CHECK(principal_of(f.check(soon)).id == "user-42");

    json no_exp = claims();
    no_exp.erase("exp");
    auto eternal = jwt::sign(jwt::rsa_key(), no_exp);
    CHECK(failure_of(f.check(eternal), eternal).code == "invalid_token");
}

TEST_CASE("auth oidc: issuer and audience must match; aud may be an array") {
    Fixture f;
    auto wrong_iss = jwt::sign(jwt::rsa_key(), claims({{"iss", "https://evil.example.com"}}));
    auto r1 = failure_of(f.check(wrong_iss), wrong_iss);
    CHECK(r1.code == "wrong_issuer");
    CHECK(r1.status == 401);
    auto wrong_aud = jwt::sign(jwt::rsa_key(), claims({{"aud", "another-service"}}));
    CHECK(failure_of(f.check(wrong_aud), wrong_aud).code == "wrong_audience");
    auto aud_array = jwt::sign(jwt::ec_key(), claims({{"aud", {"another-service", kAudience}}}));
    CHECK(principal_of(f.check(aud_array)).id == "user-42");
    auto array_without = jwt::sign(jwt::ec_key(), claims({{"aud", {"a", "b"}}}));
    CHECK(failure_of(f.check(array_without), array_without).code == "wrong_audience");
}

TEST_CASE("auth oidc: scopes from scope or scp; a missing scope is a 403") {
    Fixture f;
    auto read_only = jwt::sign(jwt::rsa_key(), claims({{"scope", "openid read"}}));
    CHECK(principal_of(f.check(read_only, "read")).scopes.count("read") == 1);
    auto refused = failure_of(f.check(read_only, "upload"), read_only);
    CHECK(refused.status == 403);
    CHECK(refused.code == "insufficient_scope");
    auto scp = jwt::sign(jwt::rsa_key(), claims({{"scp", {"upload"}}}));
    CHECK(principal_of(f.check(scp, "upload")).id == "user-42");
    CHECK(failure_of(f.check(scp, "read"), scp).status == 403);
}

TEST_CASE("auth oidc: an unknown kid refreshes the JWKS, at most once per interval") {
    Fixture f({&jwt::rsa_key()});
    CHECK(f.fetches == 1);
    // The provider adds a key; tokens signed with it arrive at once, before the interval.
    jwt::write_file(f.jwks, jwt::jwks({&jwt::rsa_key(), &jwt::ec_key()}).dump());
    auto new_key_token = jwt::sign(jwt::ec_key(), claims());
    auto early = failure_of(f.check(new_key_token), new_key_token);
    CHECK(early.code == "unknown_signing_key");
    CHECK(f.fetches == 1);  // the fetch at start was less than 30 s ago

    f.now += OidcAuthenticator::kRefreshInterval;
    CHECK(principal_of(f.check(new_key_token)).id == "user-42");
    CHECK(f.fetches == 2);

    // A flood of random kids: one fetch per interval, not one per token.
    f.now += OidcAuthenticator::kRefreshInterval;
    for (int i = 0; i < 50; ++i) {
        auto t = jwt::sign(jwt::rsa_key(), claims(), {{"kid", "random-" + std::to_string(i)}});
        CHECK(failure_of(f.check(t), t).code == "unknown_signing_key");
        f.now += std::chrono::milliseconds(100);
    }
    CHECK(f.fetches == 3);  // the first random kid only
    f.now += OidcAuthenticator::kRefreshInterval;
    auto t = jwt::sign(jwt::rsa_key(), claims(), {{"kid", "still-unknown"}});
    CHECK(failure_of(f.check(t), t).status == 401);
    CHECK(f.fetches == 4);
}

TEST_CASE("auth oidc: a JWKS that cannot be loaded at start is a ConfigError") {
    test::TempDir dir;
    AuthSettings s;
    s.mode = "oidc";
    s.oidc_issuer = kIssuer;
    s.oidc_audience = kAudience;
    s.oidc_jwks = (dir.path() / "missing.json").string();
    CHECK_THROWS_WITH_AS(make_authenticator(s), doctest::Contains("FOTOGAL_OIDC_JWKS"),
                         ConfigError);
    jwt::write_file(dir.path() / "hmac.json",
                    R"({"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0"}]})");
    s.oidc_jwks = (dir.path() / "hmac.json").string();
    CHECK_THROWS_WITH_AS(make_authenticator(s), doctest::Contains("no RS256 or ES256"),
                         ConfigError);
    jwt::write_file(dir.path() / "junk.json", "<html>");
    s.oidc_jwks = (dir.path() / "junk.json").string();
    CHECK_THROWS_WITH_AS(make_authenticator(s), doctest::Contains("not a JWKS"), ConfigError);
}

TEST_CASE("auth oidc: many threads at once, with unknown kids among the good tokens") {
    Fixture f;
    f.now += OidcAuthenticator::kRefreshInterval;  // the first unknown kid may refetch
    auto rs = jwt::sign(jwt::rsa_key(), claims());
    auto es = jwt::sign(jwt::ec_key(), claims());
    auto stranger = jwt::sign(jwt::rsa_key(), claims(), {{"kid", "nobody"}});
    std::atomic<int> accepted{0}, refused{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 100; ++i) {
                const auto& token = (i + t) % 3 == 0 ? stranger : (i % 2 ? rs : es);
                auto r = f.auth->authenticate("Bearer " + token, "upload");
                (std::holds_alternative<Principal>(r) ? accepted : refused)++;
            }
        });
    for (auto& t : threads) t.join();
    CHECK(accepted + refused == 400);
    CHECK(refused == 134);  // the (i + t) % 3 == 0 ones: 34 + 33 + 33 + 34
    CHECK(f.fetches == 2);  // one refetch for all the unknown kids
}
