// OCI API request signing ("Signature Version 1", draft-cavage-http-signatures-08 with the
// Authorization: Signature scheme): RSASSA-PKCS1-v1_5 with SHA-256 over a signing string of
// the listed headers. Which headers are listed follows Oracle's rules, including the Object
// Storage exception for PutObject and UploadPart (no body hash needed).
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "common/storage/http_client.hpp"

namespace fotogal::storage {

struct EvpPkeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using PrivateKey = std::shared_ptr<EVP_PKEY>;

// PEM (PKCS#1 or PKCS#8, optionally encrypted with `passphrase`). Throws StorageError with
// a message that names `source` (a file name) but never the key or the passphrase.
PrivateKey load_private_key(const std::string& pem, const std::string& passphrase,
                            const std::string& source);
// MD5 of the DER SubjectPublicKeyInfo as lower-case hex pairs with colons, as OCI shows it.
std::string key_fingerprint(EVP_PKEY* key);

// What a request carries that the signature may need to cover.
struct OciRequestParts {
    std::string method;        // any case
    std::string path_query;    // "/n/ns/b/bucket/o/key?x=y", encoded exactly as sent
    std::string host;          // host[:port]
    std::string date;          // IMF-fixdate
    bool has_body = false;     // PUT/POST/PATCH
    bool object_body = false;  // PutObject / UploadPart: the Object Storage exception applies
    std::string content_type;
    std::uint64_t content_length = 0;
    std::string content_sha256;  // base64 SHA-256 of the body; needed unless object_body
};

class OciSigner {
  public:
    OciSigner(std::string key_id, PrivateKey key);

    // The signing string for `header_names` (lower case, in order) with their values.
    static std::string signing_string(const HeaderList& signed_headers);
    // `Signature version="1",headers=...,keyId=...,algorithm="rsa-sha256",signature=...`
    std::string authorization(const HeaderList& signed_headers) const;
    // The headers to send for `parts`: date, host, (content-*, x-content-sha256) and
    // authorization. Content-Length itself is left to the HTTP client, which sends the same.
    HeaderList sign(const OciRequestParts& parts) const;

    const std::string& key_id() const { return key_id_; }

  private:
    std::string key_id_;
    PrivateKey key_;
};

// Current time as IMF-fixdate ("Tue, 07 Jun 2022 10:00:00 GMT").
std::string http_date_now();

}  // namespace fotogal::storage
