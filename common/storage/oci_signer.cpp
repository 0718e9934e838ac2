#include "common/storage/oci_signer.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

#include "common/storage/object_store.hpp"
#include "common/storage/signing_crypto.hpp"

namespace fotogal::storage {

namespace {

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct MdCtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s;
}

// Passphrase callback: never prompts on a terminal, as OpenSSL's default would.
int passphrase_cb(char* buf, int size, int, void* user) {
    const auto* pass = static_cast<const std::string*>(user);
    if (pass->empty() || static_cast<int>(pass->size()) > size) return 0;
    std::copy(pass->begin(), pass->end(), buf);
    return static_cast<int>(pass->size());
}

}  // namespace

PrivateKey load_private_key(const std::string& pem, const std::string& passphrase,
                            const std::string& source) {
    std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    if (!bio) throw StorageError("OpenSSL could not allocate a buffer for " + source, false);
    std::string pass = passphrase;
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, passphrase_cb, &pass);
    ERR_clear_error();
    if (!key)
        throw StorageError("cannot read the private key from " + source +
                               ": not a PEM private key, or it is encrypted and the pass phrase "
                               "is missing or wrong",
                           false);
    if (EVP_PKEY_base_id(key) != EVP_PKEY_RSA) {
        EVP_PKEY_free(key);
        throw StorageError("the private key in " + source + " is not an RSA key", false);
    }
    return PrivateKey(key, EvpPkeyFree{});
}

std::string key_fingerprint(EVP_PKEY* key) {
    unsigned char* der = nullptr;
    int len = i2d_PUBKEY(key, &der);
    if (len <= 0) throw StorageError("cannot encode the public key", false);
    std::string digest = crypto::md5(std::string_view(reinterpret_cast<char*>(der), len));
    OPENSSL_free(der);
    std::string hex = crypto::hex(digest), out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        if (i) out += ':';
        out += hex.substr(i, 2);
    }
    return out;
}

OciSigner::OciSigner(std::string key_id, PrivateKey key)
    : key_id_(std::move(key_id)), key_(std::move(key)) {}

std::string OciSigner::signing_string(const HeaderList& signed_headers) {
    std::string out;
    for (const auto& [name, value] : signed_headers) {
        if (!out.empty()) out += '\n';
        out += lower(name) + ": " + value;
    }
    return out;
}

std::string OciSigner::authorization(const HeaderList& signed_headers) const {
    std::string text = signing_string(signed_headers);
    std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
    std::size_t len = 0;
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
        EVP_DigestSign(ctx.get(), nullptr, &len,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
        throw StorageError("OpenSSL could not sign the request", false);
    std::vector<unsigned char> sig(len);
    if (EVP_DigestSign(ctx.get(), sig.data(), &len,
                       reinterpret_cast<const unsigned char*>(text.data()), text.size()) != 1)
        throw StorageError("OpenSSL could not sign the request", false);
    std::string names;
    for (const auto& [name, value] : signed_headers)
        names += (names.empty() ? "" : " ") + lower(name);
    return "Signature version=\"1\",headers=\"" + names + "\",keyId=\"" + key_id_ +
           "\",algorithm=\"rsa-sha256\",signature=\"" +
           crypto::base64(std::string_view(reinterpret_cast<char*>(sig.data()), len)) + "\"";
}

HeaderList OciSigner::sign(const OciRequestParts& p) const {
    HeaderList signed_headers{{"date", p.date},
                              {"(request-target)", lower(p.method) + " " + p.path_query},
                              {"host", p.host}};
    HeaderList send{{"date", p.date}, {"host", p.host}};
    if (p.has_body) {
        // Object Storage PUTs need not hash the body; the content headers they do send must
        // still be signed. Every other body request signs all three plus the body hash.
        signed_headers.push_back({"content-length", std::to_string(p.content_length)});
        signed_headers.push_back({"content-type", p.content_type});
        send.push_back({"content-type", p.content_type});
        if (!p.object_body) {
            signed_headers.push_back({"x-content-sha256", p.content_sha256});
            send.push_back({"x-content-sha256", p.content_sha256});
        }
    }
    send.push_back({"authorization", authorization(signed_headers)});
    return send;
}

std::string http_date_now() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday],
                  tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

}  // namespace fotogal::storage
