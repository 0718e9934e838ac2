#include <doctest/doctest.h>

#include "common/config.hpp"
#include "ingest/auth/jwks_fetch.hpp"
#include "ingest/auth/oidc_authenticator.hpp"
#include "jwt_support.hpp"
#include "loopback_http_server.hpp"

using namespace fotogal;
using namespace fotogal::ingest::auth;
namespace jwt = fotogal::test::jwt;
using nlohmann::json;

namespace {

// This helper's loopback port range.
constexpr int kFirstPort = 23050, kLastPort = 23059;

AuthSettings oidc_settings(const std::string& jwks) {
    AuthSettings s;
    s.mode = "oidc";
    s.oidc_issuer = "https://issuer.example.com";
    s.oidc_audience = "fotogal";
    s.oidc_jwks = jwks;
    return s;
}

json claims(std::int64_t now) {
    return {{"iss", "https://issuer.example.com"},
            {"aud", "fotogal"},
            {"sub", "svc-uploader"},
            {"exp", now + 600}};
}

}  // namespace

TEST_CASE("auth jwks url: keys fetched over HTTP verify tokens; a refresh fetches again") {
    test::LoopbackHttpServer server(kFirstPort, kLastPort);
    server.respond(200, jwt::jwks({&jwt::rsa_key()}).dump());
    auto clock = std::chrono::system_clock::now();
    OidcAuthenticator auth(oidc_settings(server.url("/.well-known/jwks.json")),
                           [&] { return clock; });
    CHECK(server.requests() == 1);
    auto now = std::chrono::duration_cast<std::chrono::seconds>(clock.time_since_epoch()).count();
    auto token = jwt::sign(jwt::rsa_key(), claims(now));
    auto r = auth.authenticate("Bearer " + token, "upload");
    REQUIRE(std::holds_alternative<Principal>(r));
    CHECK(std::get<Principal>(r).id == "svc-uploader");
    CHECK(server.requests() == 1);  // served from the cache

    server.respond(200, jwt::jwks({&jwt::rsa_key(), &jwt::ec_key()}).dump());
    clock += OidcAuthenticator::kRefreshInterval;
    auto es = jwt::sign(jwt::ec_key(), claims(now));
    CHECK(std::holds_alternative<Principal>(auth.authenticate("Bearer " + es, "read")));
    CHECK(server.requests() == 2);

    // The endpoint fails later: the cached keys keep working.
    server.respond(500, "oops");
    clock += OidcAuthenticator::kRefreshInterval;
    auto unknown = jwt::sign(jwt::rsa_key(), claims(now), {{"kid", "rotated-away"}});
    CHECK(std::get<AuthFailure>(auth.authenticate("Bearer " + unknown, "read")).code ==
          "unknown_signing_key");
    CHECK(server.requests() == 3);
    CHECK(std::holds_alternative<Principal>(auth.authenticate("Bearer " + token, "read")));
}

TEST_CASE("auth jwks url: an endpoint that answers an error at start is a ConfigError") {
    test::LoopbackHttpServer server(kFirstPort, kLastPort);
    server.respond(404, "{}");
    CHECK_THROWS_WITH_AS(make_authenticator(oidc_settings(server.url("/jwks"))),
                         doctest::Contains("HTTP 404"), ConfigError);
    CHECK(server.requests() == 1);
    // Too large a body is cut off rather than read whole.
    server.respond(200, std::string(2 * 1024 * 1024, ' '));
    CHECK_THROWS_WITH_AS(fetch_jwks(server.url("/jwks")), doctest::Contains("larger than"),
                         std::runtime_error);
}
