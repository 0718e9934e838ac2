#include "ingest/routes.hpp"

#include "common/image_id.hpp"
#include "common/storage/object_store.hpp"
#include "ingest/upload_route.hpp"

namespace fotogal::ingest {

namespace {

void get_image(http::Request& req, http::Response& res, Edge& edge) {
    const std::string& id = req.params.at(0);
    if (!is_valid_image_id(id)) {
        http::send_error(res, 400, "bad_id", "image ids are lowercase UUIDs");
        return;
    }
    std::optional<std::string> status;
    try {
        status = edge.uploads.status_json(id);
    } catch (const storage::StorageError& e) {
        if (e.transient()) {
            res.set_header("Retry-After", "5");
            http::send_error(res, 503, "unavailable", "the object store did not answer; try again");
        } else {
            http::send_error(res, 500, "storage_refused",
                             "the object store refused the lookup; the service is misconfigured");
        }
        return;
    }
    if (!status) {
        http::send_error(res, 404, "not_found", "no image with id " + id);
        return;
    }
    res.set_content(std::move(*status), "application/json");
    res.set_header("Cache-Control", "no-cache");
}

}  // namespace

void add_routes(http::Router& router, Edge& edge) {
    router.post("/v1/images",
                [&edge](http::Request& req, http::Response& res) { post_image(req, res, edge); });
    router.get(R"(/v1/images/([^/]+))",
               [&edge](http::Request& req, http::Response& res) { get_image(req, res, edge); });
}

}  // namespace fotogal::ingest
