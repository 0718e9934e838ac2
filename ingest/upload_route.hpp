// POST /v1/images: the body (raw, or the `file` field of a multipart form) streamed to a
// spool file under the size limit, then handed to the UploadService.
#pragma once

#include "common/http/http_message.hpp"
#include "ingest/routes.hpp"

namespace fotogal::ingest {

void post_image(http::Request& req, http::Response& res, Edge& edge);

// A raw request body into `spool`: http::BodyError 413 past limits.max_bytes, 415 as soon as
// the first bytes show it is no image. Shared with PUT /v1/uploads/{id}.
void spool_raw_body(http::Request& req, SpooledUpload& spool, const UploadLimits& limits);
// 202 {"id", "status": "accepted", "status_url"} with Location, or the refusal as JSON.
void answer_upload(http::Response& res, const UploadOutcome& outcome);

}  // namespace fotogal::ingest
