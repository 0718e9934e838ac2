#include "ingest/auth/jwt.hpp"

#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include <algorithm>

#include "ingest/auth/base64url.hpp"

namespace fotogal::ingest::auth {

namespace {

nlohmann::json json_segment(std::string_view segment, const char* what) {
    auto bytes = base64url_decode(segment);
    if (!bytes) throw InvalidToken(std::string("the token's ") + what + " is not base64url");
    auto doc = nlohmann::json::parse(*bytes, nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw InvalidToken(std::string("the token's ") + what + " is not a JSON object");
    return doc;
}

// JOSE carries an ES256 signature as r||s (RFC 7518 section 3.4); OpenSSL verifies DER.
std::string ecdsa_raw_to_der(const std::string& raw) {
    if (raw.size() != 64) return {};
    auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    ossl::Bignum r(BN_bin2bn(bytes, 32, nullptr)), s(BN_bin2bn(bytes + 32, 32, nullptr));
    ossl::EcdsaSig sig(ECDSA_SIG_new());
    if (!r || !s || !sig || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
    (void)r.release();  // owned by sig now
    (void)s.release();
    int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return {};
    std::string der(static_cast<std::size_t>(len), '\0');
    auto* out = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(sig.get(), &out) != len) return {};
    return der;
}

}  // namespace

Jwt parse_jwt(std::string_view compact) {
    auto first = compact.find('.');
    auto second = first == std::string_view::npos ? first : compact.find('.', first + 1);
    if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos)
        throw InvalidToken(
            "the bearer token is not a JWT (three base64url parts separated by dots)");
    auto header = json_segment(compact.substr(0, first), "header");
    Jwt jwt;
    auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string())
        throw InvalidToken("the token's header names no algorithm");
    jwt.alg = alg->get<std::string>();
    if (jwt.alg != "RS256" && jwt.alg != "ES256")
        throw InvalidToken("the token is signed with " + jwt.alg.substr(0, 16) +
                           "; only RS256 and ES256 are accepted");
    // RFC 7515 section 4.1.11: extensions we do not understand must make the token invalid.
    if (header.contains("crit"))
        throw InvalidToken(
            "the token's header has critical extensions this service does not "
            "implement");
    if (auto kid = header.find("kid"); kid != header.end()) {
        if (!kid->is_string()) throw InvalidToken("the token's kid is not a string");
        jwt.kid = kid->get<std::string>();
    }
    jwt.claims = json_segment(compact.substr(first + 1, second - first - 1), "payload");
    auto signature = base64url_decode(compact.substr(second + 1));
    if (!signature || signature->empty()) throw InvalidToken("the token's signature is missing");
    jwt.signature = std::move(*signature);
    jwt.signing_input = std::string(compact.substr(0, second));
    return jwt;
}

bool signature_valid(const Jwt& jwt, const VerificationKey& key) {
    bool rs = jwt.alg == "RS256", es = jwt.alg == "ES256";
    if (!(rs && key.type == KeyType::rsa) && !(es && key.type == KeyType::ec_p256)) return false;
    if (!key.alg.empty() && key.alg != jwt.alg) return false;
    std::string der = es ? ecdsa_raw_to_der(jwt.signature) : std::string();
    const std::string& signature = es ? der : jwt.signature;
    if (signature.empty()) return false;
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1)
        return false;
    bool valid =
        EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                         signature.size(),
                         reinterpret_cast<const unsigned char*>(jwt.signing_input.data()),
                         jwt.signing_input.size()) == 1;
    // A forged token is an ordinary event here, not an error for the thread's queue to keep.
    if (!valid) ERR_clear_error();
    return valid;
}

}  // namespace fotogal::ingest::auth
