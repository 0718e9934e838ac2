#include "ingest/routes.hpp"

#include "ingest/gallery/gallery_route.hpp"
#include "ingest/image_routes.hpp"
#include "ingest/upload_route.hpp"
#include "ingest/upload_url_routes.hpp"

namespace fotogal::ingest {

void add_routes(http::Router& router, Edge& edge) {
    router.post("/v1/images",
                [&edge](http::Request& req, http::Response& res) { post_image(req, res, edge); });
    router.post("/v1/uploads", [&edge](http::Request& req, http::Response& res) {
        post_upload_url(req, res, edge);
    });
    router.add("PUT", "/v1/uploads/{}",
               [&edge](http::Request& req, http::Response& res) { put_upload(req, res, edge); });
    router.get("/v1/images/{}",
               [&edge](http::Request& req, http::Response& res) { get_image(req, res, edge); });
    router.get("/v1/images/{}/renditions/{}",
               [&edge](http::Request& req, http::Response& res) { get_rendition(req, res, edge); });
    gallery::add_gallery_routes(router);
}

}  // namespace fotogal::ingest
