#include "ingest/routes.hpp"

#include <nlohmann/json.hpp>

#include "common/http/http_server.hpp"
#include "common/image_id.hpp"
#include "common/storage/object_store.hpp"

namespace fotogal::ingest {

namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void answer(httplib::Response& res, const UploadOutcome& outcome) {
    if (const auto* ok = std::get_if<Accepted>(&outcome)) {
        res.status = 202;
        res.set_header("Location", "/v1/images/" + ok->image_id);
        res.set_content(nlohmann::json{{"id", ok->image_id},
                                       {"status", "accepted"},
                                       {"status_url", "/v1/images/" + ok->image_id}}
                            .dump(),
                        "application/json");
    } else if (const auto* error = std::get_if<ApiError>(&outcome)) {
        http::send_error(res, error->status, error->code, error->message);
    } else {
        res.set_header("Retry-After", "5");
        http::send_error(res, 503, "unavailable", std::get<Unavailable>(outcome).message);
    }
}

void post_image(const httplib::Request& req, httplib::Response& res, UploadService& service) {
    if (!req.is_multipart_form_data()) {
        answer(res, service.accept(bytes_of(req.body), {}));
        return;
    }
    if (!req.has_file("file")) {
        http::send_error(res, 400, "missing_file",
                         "multipart upload needs the image in a field named 'file'");
        return;
    }
    std::map<std::string, std::string> attributes;
    for (const auto& [name, part] : req.files)
        if (name != "file" && part.filename.empty()) attributes[name] = part.content;
    answer(res, service.accept(bytes_of(req.get_file_value("file").content), attributes));
}

void get_image(const httplib::Request& req, httplib::Response& res, UploadService& service) {
    std::string id = req.matches[1];
    if (!is_valid_image_id(id)) {
        http::send_error(res, 400, "bad_id", "image ids are lowercase UUIDs");
        return;
    }
    std::optional<std::string> status;
    try {
        status = service.status_json(id);
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
    if (status) {
        res.set_content(*status, "application/json");
        return;
    }
    http::send_error(res, 404, "not_found", "no image with id " + id);
}

}  // namespace

void add_routes(httplib::Server& server, UploadService& service, std::uint64_t max_body_bytes) {
    // Room for multipart framing around an image of the largest allowed size.
    server.set_payload_max_length(max_body_bytes + 64 * 1024);
    server.Post("/v1/images", [&service](const httplib::Request& req, httplib::Response& res) {
        post_image(req, res, service);
    });
    server.Get(R"(/v1/images/([^/]+))",
               [&service](const httplib::Request& req, httplib::Response& res) {
                   get_image(req, res, service);
               });
    // httplib's own refusals (body too large, no route) get the same JSON error shape.
    server.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req,
                                                                     httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        bool form =
            req.get_header_value("Content-Type").starts_with("application/x-www-form-urlencoded");
        switch (res.status) {
            case 413:
                // httplib caps url-encoded forms at 8 KiB; `curl --data-binary` sends
                // that content type unless told otherwise.
                http::send_error(res, 413, "too_large",
                                 form ? "send the image with Content-Type: image/* (or as "
                                        "multipart/form-data), not as a url-encoded form"
                                      : "the request body is too large");
                break;
            case 404:
                http::send_error(res, 404, "not_found", "no such route");
                break;
            case 405:
                http::send_error(res, 405, "method_not_allowed", "method not allowed");
                break;
            default:
                http::send_error(res, res.status, "bad_request", "the request is malformed");
        }
        return httplib::Server::HandlerResponse::Handled;
    }));
}

}  // namespace fotogal::ingest
