// The gallery page at `/` and its files at `/ui/{name}`: static bytes compiled into
// fotogal-ingest (embedded_files.hpp). The page itself needs no credential; what it shows comes
// from the API with the user's own key. Every answer carries a strong ETag (304 on
// If-None-Match), `Cache-Control: no-cache` (revalidated on each load, so a new binary's page
// is never mixed with an old one's scripts) and a Content-Security-Policy that lets the page
// load only its own scripts and styles and images from itself, blob: and data:.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/http/router.hpp"

namespace fotogal::ingest::gallery {

// GET / and GET /ui/{name} (HEAD too, through the router).
void add_gallery_routes(http::Router& router);

// "text/javascript; charset=utf-8" for "main.js", …; nullopt for an extension the page does not
// use (such a file is not served).
std::optional<std::string> content_type_for(std::string_view name);

// The Content-Security-Policy of every gallery answer.
extern const char* const kContentSecurityPolicy;

}  // namespace fotogal::ingest::gallery
