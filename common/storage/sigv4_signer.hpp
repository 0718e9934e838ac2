// AWS Signature Version 4 for S3 (header-based, path-style requests). The payload hash is
// always the real SHA-256 of the body, so the server checks what it received.
#pragma once

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
