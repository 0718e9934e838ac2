// Reading results: GET /v1/images/{id} (the manifest, or pending) and
// GET /v1/images/{id}/renditions/{name} (the bytes, with HTTP caching and ranges, or a
// redirect to a presigned URL). Who may read follows the image's owner and visibility.
#pragma once

#include "common/http/http_message.hpp"
#include "ingest/routes.hpp"

namespace fotogal::ingest {

void get_image(http::Request& req, http::Response& res, Edge& edge);
void get_rendition(http::Request& req, http::Response& res, Edge& edge);

}  // namespace fotogal::ingest
