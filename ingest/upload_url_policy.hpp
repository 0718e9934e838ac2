// How POST /v1/uploads answers (FOTOGAL_UPLOAD_URLS and its neighbours): which URL a client
// gets to PUT the bytes to, and for how long it holds.
#pragma once

#include <chrono>
#include <string>

#include "ingest/upload_url_signer.hpp"

namespace fotogal::ingest {

enum class UploadUrlMode {
    store,   // the store's own presigned URL (s3://, oci://); ingest's URL where it has none
    ingest,  // always ingest's URL (PUT /v1/uploads/{id}): a bucket clients cannot reach
    off,     // POST and PUT /v1/uploads answer 404
};

struct UploadUrlPolicy {
    UploadUrlMode mode = UploadUrlMode::store;
    std::chrono::seconds ttl{900};
    // scheme://host[:port][/prefix] where clients reach ingest; "" builds it from the request
    // (X-Forwarded-Proto, else http, and the Host header).
    std::string public_url;
    UploadUrlSigner signer;
};

}  // namespace fotogal::ingest
