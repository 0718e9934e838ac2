#include "ingest/auth/jwk_set.hpp"

#include <openssl/core_names.h>
#include <openssl/err.h>

#include <nlohmann/json.hpp>
#include <stdexcept>

#include "ingest/auth/base64url.hpp"

namespace fotogal::ingest::auth {

namespace {

constexpr int kMinRsaBits = 2048;

// A base64url member of a JWK, decoded; throws with the member's name when absent or bad.
std::string member_bytes(const nlohmann::json& jwk, const char* name) {
    auto it = jwk.find(name);
    if (it == jwk.end() || !it->is_string())
        throw std::runtime_error(std::string("no \"") + name + "\" member");
    auto bytes = base64url_decode(it->get<std::string>());
    if (!bytes || bytes->empty())
        throw std::runtime_error(std::string("\"") + name + "\" is not base64url");
    return *bytes;
}

ossl::Bignum bignum(const std::string& big_endian) {
    ossl::Bignum bn(BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()),
                              static_cast<int>(big_endian.size()), nullptr));
    if (!bn) throw std::runtime_error("out of memory");
    return bn;
}

ossl::Pkey from_params(const char* type, OSSL_PARAM_BLD* builder) {
    ossl::Params params(OSSL_PARAM_BLD_to_param(builder));
    ossl::PkeyCtx ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1)
        throw std::runtime_error("OpenSSL refused the key material");
    ossl::Pkey key(raw);
    // fromdata takes the numbers as given; make sure they form a real public key (an EC point
    // off the curve would otherwise reach the verifier).
    ossl::PkeyCtx check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
    if (!check || EVP_PKEY_public_check(check.get()) != 1)
        throw std::runtime_error("not a valid public key");
    return key;
}

ossl::Pkey rsa_key(const nlohmann::json& jwk) {
    auto n = bignum(member_bytes(jwk, "n")), e = bignum(member_bytes(jwk, "e"));
    ossl::ParamBld builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        throw std::runtime_error("out of memory");
    auto key = from_params("RSA", builder.get());
    if (EVP_PKEY_get_bits(key.get()) < kMinRsaBits)
        throw std::runtime_error("RSA key shorter than 2048 bits");
    return key;
}

ossl::Pkey ec_p256_key(const nlohmann::json& jwk) {
    if (jwk.value("crv", "") != "P-256") throw std::runtime_error("EC curve other than P-256");
    auto x = member_bytes(jwk, "x"), y = member_bytes(jwk, "y");
    if (x.size() != 32 || y.size() != 32)
        throw std::runtime_error("P-256 coordinates must be 32 bytes each");
    std::string point = "\x04" + x + y;  // SEC 1 uncompressed form
    ossl::ParamBld builder(OSSL_PARAM_BLD_new());
    char group[] = "prime256v1";
    if (!builder ||
        OSSL_PARAM_BLD_push_utf8_string(builder.get(), OSSL_PKEY_PARAM_GROUP_NAME, group, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(builder.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                         point.size()) != 1)
        throw std::runtime_error("out of memory");
    return from_params("EC", builder.get());
}

}  // namespace

JwkSet parse_jwks(std::string_view json) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("keys") || !doc["keys"].is_array())
        throw std::runtime_error("not a JWKS (expected a JSON object with a \"keys\" array)");
    JwkSet set;
    std::size_t index = 0;
    for (const auto& jwk : doc["keys"]) {
        std::string kid = jwk.is_object() && jwk.contains("kid") && jwk["kid"].is_string()
                              ? jwk["kid"].get<std::string>()
                              : "";
        std::string name = kid.empty() ? "key #" + std::to_string(index) : "kid " + kid;
        ++index;
        try {
            if (!jwk.is_object()) throw std::runtime_error("not a JSON object");
            if (jwk.value("use", "sig") != "sig") throw std::runtime_error("not a signing key");
            VerificationKey key;
            key.alg = jwk.value("alg", "");
            auto kty = jwk.value("kty", "");
            if (kty == "RSA") {
                key.type = KeyType::rsa;
                key.key = ossl::share(rsa_key(jwk));
            } else if (kty == "EC") {
                key.type = KeyType::ec_p256;
                key.key = ossl::share(ec_p256_key(jwk));
            } else {
                throw std::runtime_error("key type \"" + kty + "\" is not RSA or EC");
            }
            if (kid.empty())
                set.without_kid.push_back(std::move(key));
            else
                set.by_kid[kid] = std::move(key);
        } catch (const std::exception& e) {
            ERR_clear_error();
            set.skipped.push_back(name + ": " + e.what());
        } catch (...) {
            set.skipped.push_back(name + ": malformed");
        }
    }
    return set;
}

}  // namespace fotogal::ingest::auth
