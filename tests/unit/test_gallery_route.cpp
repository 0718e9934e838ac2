// The gallery page's route over a real socket: every embedded file at /ui/{name} with its
// bytes and type, the page at /, caching (ETag, 304), the Content-Security-Policy, 404 for a
// file that is not there, and no reference in the page to a file that was not embedded.
#include <doctest/doctest.h>

#include <httplib.h>

#include <set>
#include <string>
#include <vector>

#include "common/http/http_server.hpp"
#include "ingest/gallery/embedded_files.hpp"
#include "ingest/gallery/gallery_route.hpp"

using namespace fotogal;
namespace gallery = fotogal::ingest::gallery;

namespace {

struct GalleryServer {
    http::HttpServer server{"127.0.0.1:0", [] { return true; }};
    GalleryServer() {
        gallery::add_gallery_routes(server.routes());
        server.start();
    }
    httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
};

std::string bytes_of(const gallery::EmbeddedFile& file) {
    return {reinterpret_cast<const char*>(file.data), file.size};
}

const gallery::EmbeddedFile* embedded(const std::string& name) {
    for (const auto& f : gallery::embedded_files())
        if (name == f.name) return &f;
    return nullptr;
}

}  // namespace

TEST_CASE("gallery route: the page at / with its security and caching headers") {
    GalleryServer gallery_server;
    auto client = gallery_server.client();
    auto page = client.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(page->get_header_value("Content-Security-Policy") == gallery::kContentSecurityPolicy);
    CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(page->get_header_value("Cache-Control") == "no-cache");
    REQUIRE(embedded("index.html"));
    CHECK(page->body == bytes_of(*embedded("index.html")));
    std::string etag = page->get_header_value("ETag");
    CHECK(etag.size() == 34);
    CHECK(etag == "\"" + std::string(embedded("index.html")->sha256, 32) + "\"");

    auto again = client.Get("/", {{"If-None-Match", etag}});
    REQUIRE(again);
    CHECK(again->status == 304);
    CHECK(again->body.empty());
    auto other = client.Get("/", {{"If-None-Match", "\"0123456789abcdef0123456789abcdef\""}});
    REQUIRE(other);
    CHECK(other->status == 200);
}

TEST_CASE("gallery route: every embedded file is served with its bytes and content type") {
    GalleryServer gallery_server;
    auto client = gallery_server.client();
    REQUIRE(gallery::embedded_files().size() >= 5);
    for (const auto& file : gallery::embedded_files()) {
        CAPTURE(file.name);
        auto type = gallery::content_type_for(file.name);
        REQUIRE(type);
        auto res = client.Get((std::string("/ui/") + file.name).c_str());
        REQUIRE(res);
        CHECK(res->status == 200);
        CHECK(res->get_header_value("Content-Type") == *type);
        CHECK(res->body == bytes_of(file));
    }
    CHECK(gallery::content_type_for("main.js") == "text/javascript; charset=utf-8");
    CHECK(gallery::content_type_for("base.css") == "text/css; charset=utf-8");
    CHECK_FALSE(gallery::content_type_for("notes.txt"));
    CHECK_FALSE(gallery::content_type_for("Makefile"));
}

TEST_CASE("gallery route: a file that is not embedded is a JSON 404") {
    GalleryServer gallery_server;
    auto client = gallery_server.client();
    for (const char* path : {"/ui/missing.js", "/ui/..", "/ui/index.html.bak"}) {
        CAPTURE(path);
        auto res = client.Get(path);
        REQUIRE(res);
        CHECK(res->status == 404);
        CHECK(res->get_header_value("Content-Type") == "application/json");
    }
}

TEST_CASE("gallery route: the page and its modules name only files that were embedded") {
    // <script src="/ui/x">, <link href="/ui/x"> in the page; import … from "./x.js" in modules.
    // A plain scan, not std::regex: GCC 12 under the sanitizers miscompiles <regex> into a
    // -Werror=maybe-uninitialized.
    std::set<std::string> referenced;
    for (const auto& file : gallery::embedded_files()) {
        std::string text = bytes_of(file);
        bool page = std::string(file.name) == "index.html";
        for (const std::string& prefix : page
                                             ? std::vector<std::string>{"src=\"/ui/", "href=\"/ui/"}
                                             : std::vector<std::string>{"from \"./"}) {
            for (auto at = text.find(prefix); at != std::string::npos;
                 at = text.find(prefix, at + 1)) {
                auto begin = at + prefix.size();
                auto end = text.find('"', begin);
                if (end != std::string::npos && end > begin)
                    referenced.insert(text.substr(begin, end - begin));
            }
        }
    }
    CHECK(referenced.count("main.js") == 1);
    CHECK(referenced.count("api.js") == 1);
    for (const auto& name : referenced) {
        CAPTURE(name);
        CHECK(embedded(name) != nullptr);
    }
}
