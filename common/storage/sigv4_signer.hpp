// AWS Signature Version 4 for S3 (header-based, path-style requests). The payload hash is
// always the real SHA-256 of the body, so the server checks what it received.
#pragma once

#include <chrono>
#include <ctime>
#include <string>

#include "common/storage/http_client.hpp"

namespace fotogal::storage {

struct AwsCredentials {
    std::string access_key_id;
    std::string secret_access_key;
    std::string session_token;  // empty unless temporary credentials are used
};

struct SigV4Request {
    std::string method;
    std::string canonical_uri;  // encoded path, e.g. "/bucket/a%20b.jpg"
    // Query parameters, decoded; the signer encodes and sorts them.
    std::vector<std::pair<std::string, std::string>> query;
    std::string host;
    std::string payload_sha256_hex;
    HeaderList extra_headers;  // other headers to sign and send (names any case)
};

class SigV4Signer {
  public:
    SigV4Signer(AwsCredentials credentials, std::string region, std::string service = "s3");

    // Headers to send: host, x-amz-date, x-amz-content-sha256, [x-amz-security-token],
    // the extra headers and authorization. `now` is a UTC time (tests pass a fixed one).
    HeaderList sign(const SigV4Request& request, std::time_t now) const;

    // Query-string signing (a presigned URL, "Authenticating Requests: Using Query
    // Parameters"): returns the whole query string to append after '?', the request's own
    // parameters and X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders
    // [, -Security-Token], then X-Amz-Signature. Signed headers: host and the extra headers
    // (which the client must then send); the payload is UNSIGNED-PAYLOAD.
    std::string presign(const SigV4Request& request, std::time_t now,
                        std::chrono::seconds expires) const;

    // The pieces, exposed for tests against published examples.
    static std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& q);
    std::string canonical_request(const SigV4Request& request, const HeaderList& headers) const;
    std::string string_to_sign(const std::string& canonical_request,
                               const std::string& amz_date) const;
    std::string signature(const std::string& string_to_sign, const std::string& date) const;

    const std::string& access_key_id() const { return credentials_.access_key_id; }

  private:
    AwsCredentials credentials_;
    std::string region_;
    std::string service_;
};

// "20150830T123600Z"
std::string amz_date(std::time_t now);

}  // namespace fotogal::storage
