// Ingest's signed upload URLs: a URL one replica issues holds on another with the same secret,
// not with another secret, not after it expires, not with any signed value changed.
#include <doctest/doctest.h>

#include "common/http/http_message.hpp"
#include "ingest/upload_url_signer.hpp"

using namespace fotogal::ingest;
using Query = std::vector<std::pair<std::string, std::string>>;

namespace {

const UploadGrant kGrant{"01939e0a-7b4c-7d2e-8f10-1234567890ab",
                         2'000'000'000,
                         5'000'000,
                         "image/jpeg",
                         "alice@example.com",
                         ""};

// The decoded query of a signed path, as the HTTP layer hands it to the route.
Query query_of(const std::string& path) {
    fotogal::http::Request r;
    r.query = path.substr(path.find('?') + 1);
    return r.query_params();
}

std::string code_of(const std::variant<UploadGrant, ApiError>& v) {
    REQUIRE(std::holds_alternative<ApiError>(v));
    CHECK(std::get<ApiError>(v).status == 403);
    return std::get<ApiError>(v).code;
}

}  // namespace

TEST_CASE("upload URL signer: replicas sharing the secret accept each other's URLs") {
    UploadUrlSigner issuer("shared secret"), other_replica("shared secret");
    CHECK(issuer.shared());
    std::string path = issuer.sign(kGrant);
    CHECK(path.starts_with("/v1/uploads/" + kGrant.image_id + "?"));
    CHECK(path.find("owner=alice%40example.com") != std::string::npos);
    auto verdict = other_replica.verify(kGrant.image_id, query_of(path), 1'900'000'000);
    REQUIRE(std::holds_alternative<UploadGrant>(verdict));
    const auto& g = std::get<UploadGrant>(verdict);
    CHECK(g.max_bytes == kGrant.max_bytes);
    CHECK(g.content_type == kGrant.content_type);
    CHECK(g.owner == kGrant.owner);
    CHECK(g.expires == kGrant.expires);
}

TEST_CASE("upload URL signer: another secret, expiry or any changed value is refused") {
    UploadUrlSigner issuer("shared secret");
    Query q = query_of(issuer.sign(kGrant));
    CHECK(code_of(UploadUrlSigner("other secret").verify(kGrant.image_id, q, 0)) ==
          "bad_signature");
    CHECK(code_of(UploadUrlSigner().verify(kGrant.image_id, q, 0)) == "bad_signature");
    CHECK_FALSE(UploadUrlSigner().shared());
    CHECK(code_of(issuer.verify(kGrant.image_id, q, kGrant.expires)) == "url_expired");
    CHECK(code_of(issuer.verify("01939e0a-7b4c-7d2e-8f10-1234567890ac", q, 0)) == "bad_signature");
    for (const char* field : {"expires", "max_bytes", "content_type", "owner", "signature"}) {
        Query changed = q;
        for (auto& [name, value] : changed)
            if (name == field) value += "0";
        CHECK_MESSAGE(code_of(issuer.verify(kGrant.image_id, changed, 0)) == "bad_signature",
                      field);
    }
    Query missing;
    for (const auto& entry : q)
        if (entry.first != "signature") missing.push_back(entry);
    CHECK(code_of(issuer.verify(kGrant.image_id, missing, 0)) == "bad_signature");
}
