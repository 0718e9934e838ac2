// Signing side of the OIDC tests: real RSA-2048 and P-256 keys made with OpenSSL, their public
// halves as JWKs, and JWTs signed with them (or forged: alg none, HS256, tampered payloads).
#pragma once

#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rsa.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "ingest/auth/openssl_handles.hpp"

namespace fotogal::test::jwt {

namespace ossl = fotogal::ingest::auth::ossl;

inline std::string b64url(std::string_view raw) {
    std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(raw.data()),
                            static_cast<int>(raw.size()));
    out.resize(static_cast<std::size_t>(n));
    while (!out.empty() && out.back() == '=') out.pop_back();
    for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
    return out;
}

inline std::string bn_bytes(EVP_PKEY* key, const char* param, int pad = 0) {
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, param, &raw) != 1) throw std::runtime_error("get_bn_param");
    ossl::Bignum bn(raw);
    std::string out(static_cast<std::size_t>(pad ? pad : BN_num_bytes(bn.get())), '\0');
    BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(out.data()),
                 static_cast<int>(out.size()));
    return out;
}

struct SigningKey {
    std::string kid;
    bool ec = false;  // ES256 (P-256) or RS256 (RSA-2048)
    ossl::SharedPkey key;

    nlohmann::json jwk() const {
        if (ec)
            return {{"kty", "EC"},
                    {"crv", "P-256"},
                    {"kid", kid},
                    {"use", "sig"},
                    {"x", b64url(bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32))},
                    {"y", b64url(bn_bytes(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32))}};
        return {{"kty", "RSA"},
                {"kid", kid},
                {"use", "sig"},
                {"alg", "RS256"},
                {"n", b64url(bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_N))},
                {"e", b64url(bn_bytes(key.get(), OSSL_PKEY_PARAM_RSA_E))}};
    }
};

inline SigningKey make_rsa_key(std::string kid) {
    ossl::Pkey key(EVP_RSA_gen(2048));
    if (!key) throw std::runtime_error("RSA key generation failed");
    return {std::move(kid), false, ossl::share(std::move(key))};
}

inline SigningKey make_ec_key(std::string kid) {
    ossl::Pkey key(EVP_EC_gen("P-256"));
    if (!key) throw std::runtime_error("P-256 key generation failed");
    return {std::move(kid), true, ossl::share(std::move(key))};
}

// Keys shared by all tests of the binary: RSA generation takes a while, more so under ASan.
inline const SigningKey& rsa_key() {
    static const SigningKey key = make_rsa_key("rsa-1");
    return key;
}
inline const SigningKey& ec_key() {
    static const SigningKey key = make_ec_key("ec-1");
    return key;
}
inline const SigningKey& other_rsa_key() {
    static const SigningKey key = make_rsa_key("rsa-2");
    return key;
}

inline nlohmann::json jwks(const std::vector<const SigningKey*>& keys) {
    nlohmann::json set = {{"keys", nlohmann::json::array()}};
    for (const auto* k : keys) set["keys"].push_back(k->jwk());
    return set;
}

inline void write_file(const std::filesystem::path& path, const std::string& text) {
    auto tmp = path;
    tmp += ".tmp";
    std::ofstream(tmp, std::ios::binary) << text;
    std::filesystem::rename(tmp, path);  // a new inode, as a Secret or ConfigMap swap gives
}

inline std::string signature(const SigningKey& key, const std::string& input) {
    ossl::MdCtx ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    auto* data = reinterpret_cast<const unsigned char*>(input.data());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len, data, input.size()) != 1)
        throw std::runtime_error("sign init failed");
    std::string sig(len, '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                       input.size()) != 1)
        throw std::runtime_error("sign failed");
    sig.resize(len);
    if (!key.ec) return sig;
    // DER -> the r||s form JOSE uses.
    auto* p = reinterpret_cast<const unsigned char*>(sig.data());
    ossl::EcdsaSig parsed(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size())));
    if (!parsed) throw std::runtime_error("bad DER signature");
    std::string raw(64, '\0');
    BN_bn2binpad(ECDSA_SIG_get0_r(parsed.get()), reinterpret_cast<unsigned char*>(raw.data()), 32);
    BN_bn2binpad(ECDSA_SIG_get0_s(parsed.get()), reinterpret_cast<unsigned char*>(&raw[32]), 32);
    return raw;
}

// header.payload.signature, signed by `key` with the alg that fits it.
inline std::string sign(const SigningKey& key, const nlohmann::json& claims,
                        nlohmann::json header = nlohmann::json::object()) {
    header["alg"] = key.ec ? "ES256" : "RS256";
    header["typ"] = "JWT";
    if (!header.contains("kid")) header["kid"] = key.kid;
    if (header["kid"].is_null()) header.erase("kid");
    auto input = b64url(header.dump()) + "." + b64url(claims.dump());
    return input + "." + b64url(signature(key, input));
}

// A token as an attacker would craft it: any header, any signature bytes.
inline std::string forge(const nlohmann::json& header, const nlohmann::json& claims,
                         const std::string& signature_bytes) {
    return b64url(header.dump()) + "." + b64url(claims.dump()) + "." + b64url(signature_bytes);
}

inline std::string hmac_sha256(const std::string& key, const std::string& data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return {reinterpret_cast<const char*>(out), len};
}

}  // namespace fotogal::test::jwt
