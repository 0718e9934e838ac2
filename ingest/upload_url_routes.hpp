// Upload URLs: POST /v1/uploads reserves an image id for the authenticated principal and says
// where and how to PUT the bytes (the store's presigned URL, or ingest's own signed
// PUT /v1/uploads/{id}); the PUT stores them as originals/{id} and announces the upload as
// POST /v1/images does. Direct-to-bucket uploads are announced by the bucket's own events,
// which name no owner: before handing out such a URL, ingest writes the image's reservation
// (reservations/{id}.json: owner, visibility, limits), which the worker reads instead.
#pragma once

#include "common/http/http_message.hpp"
#include "ingest/routes.hpp"

namespace fotogal::ingest {

void post_upload_url(http::Request& req, http::Response& res, Edge& edge);
void put_upload(http::Request& req, http::Response& res, Edge& edge);

}  // namespace fotogal::ingest
