// Ingest's own upload URLs (PUT /v1/uploads/{id}), used where the store has no presigned URLs
// (file://) or when FOTOGAL_UPLOAD_URLS=ingest: the URL itself is the credential, an
// HMAC-SHA256 over the image id, expiry, size limit, content type, owner (and visibility, when
// asked) with a secret
// every replica shares (FOTOGAL_UPLOAD_URL_SECRET), so any replica behind the load balancer
// accepts a URL another one issued. Changing any signed value breaks the signature.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "ingest/upload_validation.hpp"

namespace fotogal::ingest {

// What one upload URL allows: one PUT of at most `max_bytes` with exactly `content_type`,
// until `expires` (Unix seconds), stored as originals/{image_id} and owned by `owner`, with the
// `visibility` asked for.
struct UploadGrant {
    std::string image_id;
    std::int64_t expires = 0;
    std::uint64_t max_bytes = 0;
    std::string content_type;
    std::string owner;
    // "public" or "private" as asked; "" when not asked (signed only when asked, so URLs
    // issued before the field existed still verify).
    std::string visibility;
};

class UploadUrlSigner {
  public:
    // A random secret: only this process accepts its URLs (one replica, tests).
    UploadUrlSigner();
    // `secret` empty: as above.
    explicit UploadUrlSigner(const std::string& secret);

    // Whether the secret was configured, so other replicas share it.
    bool shared() const { return shared_; }

    // The path and query of the URL: "/v1/uploads/{id}?expires=…&max_bytes=…&signature=…".
    std::string sign(const UploadGrant& grant) const;

    // The grant the request carries (path id and decoded query parameters) when its signature
    // holds and it has not expired at `now` (Unix seconds); else a 403 saying which.
    std::variant<UploadGrant, ApiError> verify(
        const std::string& image_id, const std::vector<std::pair<std::string, std::string>>& query,
        std::int64_t now) const;

  private:
    std::string mac(const UploadGrant& grant) const;
    std::string secret_;
    bool shared_ = false;
};

}  // namespace fotogal::ingest
