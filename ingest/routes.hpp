// The ingest HTTP API: POST /v1/images, POST and PUT /v1/uploads[/{id}], GET /v1/images/{id}, GET
// /v1/images/{id}/renditions/{name}, and the gallery page at / (gallery/gallery_route.hpp);
// health and metrics routes come with the shared server.
#pragma once

#include <filesystem>

#include "common/http/router.hpp"
#include "common/storage/object_store.hpp"
#include "ingest/auth/authenticator.hpp"
#include "ingest/presign_cache.hpp"
#include "ingest/quotas/concurrent_uploads.hpp"
#include "ingest/quotas/inflight_bytes.hpp"
#include "ingest/quotas/rate_limiter.hpp"
#include "ingest/upload_service.hpp"
#include "ingest/upload_url_policy.hpp"

namespace fotogal::ingest {

struct Edge {
    UploadService& uploads;
    std::filesystem::path spool_dir;
    auth::Authenticator& auth;
    quotas::RateLimiter& rates;
    quotas::InflightBytes& inflight;
    quotas::ConcurrentUploads& concurrent;
    storage::ObjectStore& store;
    PresignCache& presigned;        // ?redirect=1 URLs
    UploadUrlPolicy upload_urls{};  // POST /v1/uploads
};

void add_routes(http::Router& router, Edge& edge);

}  // namespace fotogal::ingest
