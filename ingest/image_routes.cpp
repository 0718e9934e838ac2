#include "ingest/image_routes.hpp"

#include "common/http/http_conditionals.hpp"
#include "common/image_id.hpp"
#include "common/log.hpp"
#include "common/storage/object_store.hpp"
#include "ingest/rendition_access.hpp"
#include "ingest/request_auth.hpp"

namespace fotogal::ingest {

namespace {

void storage_failure(const http::Request& req, http::Response& res,
                     const storage::StorageError& e) {
    log::error("object store lookup failed", {{"request_id", req.request_id}, {"error", e.what()}});
    if (e.transient()) {
        res.set_header("Retry-After", "5");
        http::send_error(res, 503, "unavailable", "the object store did not answer; try again");
    } else {
        http::send_error(res, 500, "storage_refused",
                         "the object store refused the lookup; quote request id " + req.request_id);
    }
}

// The caller's principal: the credential's when one is sent, else anonymous (which public
// images need no more than). nullopt: refused, `res` filled.
std::optional<auth::Principal> caller(const http::Request& req, http::Response& res, Edge& edge) {
    if (req.header("authorization").empty()) return auth::Principal{"", "anonymous", {}};
    return authorize(req, res, edge.auth, auth::kScopeRead);
}

// A refusal for an anonymous caller is a request for credentials: 401 from the
// authenticator (which lets anyone through under FOTOGAL_AUTH=none).
bool answer_refusal(const http::Request& req, http::Response& res, Edge& edge,
                    const auth::Principal& who, const ApiError& error) {
    if (error.status == 403 && who.method == "anonymous") {
        if (!authorize(req, res, edge.auth, auth::kScopeRead)) return true;
    }
    http::send_error(res, error.status, error.code, error.message);
    return true;
}

std::optional<UploadService::Lookup> look_up(const http::Request& req, http::Response& res,
                                             Edge& edge, const std::string& id) {
    if (!is_valid_image_id(id)) {
        http::send_error(res, 400, "bad_id", "image ids are lowercase UUIDs");
        return std::nullopt;
    }
    try {
        return edge.uploads.lookup(id);
    } catch (const storage::StorageError& e) {
        storage_failure(req, res, e);
        return std::nullopt;
    }
}

void send_bytes(const http::Request& req, http::Response& res, const RenditionRef& ref,
                std::vector<std::uint8_t> bytes) {
    http::ConditionalRequest conditions;
    conditions.method = req.method;
    auto optional_header = [&](const char* name) -> std::optional<std::string> {
        if (!req.has_header(name)) return std::nullopt;
        return std::string(req.header(name));
    };
    conditions.if_match = optional_header("if-match");
    conditions.if_none_match = optional_header("if-none-match");
    conditions.if_range = optional_header("if-range");
    conditions.range = optional_header("range");
    auto decision = http::decide(conditions, ref.etag, bytes.size());
    res.set_header("ETag", ref.etag);
    res.set_header("Cache-Control", ref.cache_control);
    res.set_header("Accept-Ranges", "bytes");
    if (!decision.content_range.empty()) res.set_header("Content-Range", decision.content_range);
    switch (decision.status) {
        case 304:
            res.status = 304;
            return;
        case 412:
            http::send_error(res, 412, "precondition_failed",
                             "the rendition changed since the ETag you hold");
            return;
        case 416:
            http::send_error(
                res, 416, "range_not_satisfiable",
                "the range is outside the rendition's " + std::to_string(bytes.size()) + " bytes");
            return;
        default:
            break;
    }
    res.status = decision.status;
    res.set_content(
        std::string(bytes.begin() + static_cast<std::ptrdiff_t>(decision.offset),
                    bytes.begin() + static_cast<std::ptrdiff_t>(decision.offset + decision.length)),
        ref.content_type);
}

}  // namespace

void get_image(http::Request& req, http::Response& res, Edge& edge) {
    const std::string& id = req.params.at(0);
    auto who = caller(req, res, edge);
    if (!who) return;
    auto found = look_up(req, res, edge, id);
    if (!found) return;
    if (!found->manifest) {
        if (!found->original) {
            http::send_error(res, 404, "not_found", "no image with id " + id);
            return;
        }
        // Pending: the owner is not known before the manifest; any caller with read access
        // learns only that it is pending.
        if (who->method == "anonymous" && !authorize(req, res, edge.auth, auth::kScopeRead)) return;
        res.set_json(200, {{"image_id", id}, {"status", "pending"}});
        res.set_header("Cache-Control", "no-cache");
        return;
    }
    auto& manifest = *found->manifest;
    if (!manifest.is_object()) {
        http::send_error(res, 500, "corrupt_manifest",
                         "the image's manifest is unreadable; reprocess it (docs/replay.md)");
        return;
    }
    if (auto refused = image_access(manifest, who->id)) {
        answer_refusal(req, res, edge, *who, *refused);
        return;
    }
    prepare_status_json(manifest, who->id);
    res.set_json(200, manifest);
    res.set_header("Cache-Control", "no-cache");
}

void get_rendition(http::Request& req, http::Response& res, Edge& edge) {
    const std::string& id = req.params.at(0);
    auto who = caller(req, res, edge);
    if (!who) return;
    auto found = look_up(req, res, edge, id);
    if (!found) return;
    auto access = rendition_access(found->manifest, id, req.params.at(1), who->id);
    if (const auto* error = std::get_if<ApiError>(&access)) {
        answer_refusal(req, res, edge, *who, *error);
        return;
    }
    const auto& ref = std::get<RenditionRef>(access);
    try {
        if (req.query_param("redirect") == "1") {
            auto url = edge.presigned.get(ref.key, [&] {
                return edge.store.presigned_get_url(ref.key, edge.presigned.ttl());
            });
            if (url) {
                res.status = 302;
                res.set_header("Location", *url);
                res.set_header("Cache-Control", "no-store");  // the URL expires
                return;
            }
        }
        auto bytes = edge.store.get(ref.key);
        if (!bytes) {
            http::send_error(res, 404, "rendition_missing",
                             "the manifest lists this rendition but the store has no object for "
                             "it; reprocess the image");
            return;
        }
        send_bytes(req, res, ref, std::move(*bytes));
    } catch (const storage::StorageError& e) {
        storage_failure(req, res, e);
    }
}

}  // namespace fotogal::ingest
