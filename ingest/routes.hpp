// The ingest HTTP API: POST /v1/images, GET /v1/images/{id} (health and metrics routes come
// with the shared HTTP server).
#pragma once

#include <httplib.h>

#include "ingest/upload_service.hpp"

namespace fotogal::ingest {

void add_routes(httplib::Server& server, UploadService& service, std::uint64_t max_body_bytes);

}  // namespace fotogal::ingest
