// POST /v1/images: the body (raw, or the `file` field of a multipart form) streamed to a
// spool file under the size limit, then handed to the UploadService.
#pragma once

#include "common/http/http_message.hpp"
#include "ingest/routes.hpp"

namespace fotogal::ingest {

void post_image(http::Request& req, http::Response& res, Edge& edge);

}  // namespace fotogal::ingest
