#include "ingest/gallery/gallery_route.hpp"

#include <algorithm>

#include "common/http/http_conditionals.hpp"
#include "ingest/gallery/embedded_files.hpp"

namespace fotogal::ingest::gallery {

const char* const kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

namespace {

const EmbeddedFile* find_file(std::string_view name) {
    auto files = embedded_files();
    auto it = std::find_if(files.begin(), files.end(),
                           [&](const EmbeddedFile& f) { return name == f.name; });
    return it == files.end() ? nullptr : &*it;
}

void serve(const http::Request& req, http::Response& res, std::string_view name) {
    const EmbeddedFile* file = find_file(name);
    auto type = content_type_for(name);
    if (!file || !type) {
        http::send_error(res, 404, "not_found", "the gallery has no file " + std::string(name));
        return;
    }
    // 32 hex digits name the content, as for renditions.
    std::string etag = "\"" + std::string(file->sha256, 32) + "\"";
    res.set_header("ETag", etag);
    res.set_header("Cache-Control", "no-cache");
    res.set_header("Content-Security-Policy", kContentSecurityPolicy);
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Referrer-Policy", "no-referrer");
    http::ConditionalRequest conditions;
    conditions.method = req.method;
    if (req.has_header("if-none-match"))
        conditions.if_none_match = std::string(req.header("if-none-match"));
    if (http::decide(conditions, etag, file->size).status == 304) {
        res.status = 304;
        return;
    }
    res.set_content(std::string(reinterpret_cast<const char*>(file->data), file->size), *type);
}

}  // namespace

std::optional<std::string> content_type_for(std::string_view name) {
    auto dot = name.rfind('.');
    if (dot == std::string_view::npos) return std::nullopt;
    std::string_view ext = name.substr(dot + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "js") return "text/javascript; charset=utf-8";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    return std::nullopt;
}

void add_gallery_routes(http::Router& router) {
    router.get("/", [](http::Request& req, http::Response& res) { serve(req, res, "index.html"); });
    router.get("/ui/{}",
               [](http::Request& req, http::Response& res) { serve(req, res, req.params.at(0)); });
}

}  // namespace fotogal::ingest::gallery
