#include "ingest/upload_url_routes.hpp"
#include "ingest/quotas/upload_admission.hpp"

#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <variant>

#include "common/clock.hpp"
#include "common/http/body_reader.hpp"
#include "common/image_id.hpp"
#include "common/image_visibility.hpp"
#include "common/log_context.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"
#include "common/retry.hpp"
#include "common/trace/trace_context.hpp"
#include "common/upload_reservation.hpp"
#include "ingest/request_auth.hpp"
#include "ingest/upload_route.hpp"

namespace fotogal::ingest {

namespace {

// The request body is a few fields; anything longer is not one.
constexpr std::size_t kMaxRequestBody = 4096;
constexpr std::size_t kMaxContentType = 127;  // RFC 6838's limit on each name

struct UploadRequest {
    std::string content_type = "application/octet-stream";
    std::optional<std::uint64_t> size;
    std::string visibility;  // "public", "private" or "" (private for an owner)
};

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
}

// "image/<subtype>" with a registered-name subtype: nothing that could smuggle a parameter,
// a header or a newline into a signed header.
bool is_image_type(std::string_view type) {
    if (!type.starts_with("image/") || type.size() == 6 || type.size() > kMaxContentType)
        return false;
    for (char c : type.substr(6))
        if (!is_token_char(c)) return false;
    return true;
}

std::variant<UploadRequest, ApiError> read_request(http::Request& req) {
    std::string text;
    char buffer[1024];
    for (std::size_t n; (n = req.body->read(buffer)) > 0;) {
        text.append(buffer, n);
        if (text.size() > kMaxRequestBody)
            return ApiError{400, "bad_request", "the request body is at most 4096 bytes"};
    }
    UploadRequest out;
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return out;  // no body: defaults
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (!json.is_object())
        return ApiError{400, "bad_request",
                        R"(the body is a JSON object: {"content_type": "image/jpeg", "size": N})"};
    if (auto type = json.find("content_type"); type != json.end()) {
        if (!type->is_string() || !is_image_type(type->get_ref<const std::string&>()))
            return ApiError{400, "bad_content_type",
                            "content_type is an image media type such as image/jpeg"};
        out.content_type = type->get<std::string>();
    }
    if (auto size = json.find("size"); size != json.end()) {
        if (!size->is_number_unsigned() || size->get<std::uint64_t>() == 0)
            return ApiError{400, "bad_size", "size is the upload's length in bytes, at least 1"};
        out.size = size->get<std::uint64_t>();
    }
    if (auto visibility = json.find("visibility"); visibility != json.end()) {
        if (!visibility->is_string() ||
            (*visibility != kVisibilityPublic && *visibility != kVisibilityPrivate))
            return ApiError{400, "bad_visibility", "visibility is 'public' or 'private'"};
        out.visibility = visibility->get<std::string>();
    }
    return out;
}

// Where clients reach this ingest: the configured public URL, else what the request says.
std::optional<std::string> public_base(const http::Request& req, const UploadUrlPolicy& policy) {
    if (!policy.public_url.empty()) return policy.public_url;
    std::string_view host = req.header("host");
    if (host.empty() || host.find_first_of("/ \t@") != std::string_view::npos) return std::nullopt;
    std::string_view proto = req.header("x-forwarded-proto");
    return std::string(proto == "https" ? "https" : "http") + "://" + std::string(host);
}

void count(const char* target) {
    metrics::counter("fotogal_upload_urls_total", "upload URLs handed out, by where they point",
                     {{"target", target}})
        .inc();
}

// As POST /v1/images answers a store failure: transient is 503 with Retry-After, anything
// else 500 (the operator must fix the configuration). `what`: what the store refused.
void storage_failure(http::Response& res, const storage::StorageError& e, const char* what) {
    if (e.transient()) {
        res.set_header("Retry-After", "5");
        http::send_error(res, 503, "unavailable", "the object store did not answer; try again");
    } else {
        http::send_error(
            res, 500, "storage_refused",
            std::string("the object store refused to ") + what + "; the service is misconfigured");
    }
}

// reservations/<id>.json: who owns the image the bucket will announce without an owner.
void write_reservation(storage::ObjectStore& store, const UploadReservation& reservation) {
    const std::string text = reservation_json(reservation).dump();
    with_storage_retries(
        "put reservation",
        [&] {
            store.put(keys::reservation(reservation.image_id),
                      std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()),
                      "application/json");
        },
        RetryPolicy{3, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)});
}

}  // namespace

void post_upload_url(http::Request& req, http::Response& res, Edge& edge) {
    const UploadUrlPolicy& policy = edge.upload_urls;
    if (policy.mode == UploadUrlMode::off) {
        http::send_error(res, 404, "not_found", "upload URLs are turned off on this service");
        return;
    }
    const auto request_log = log::Context({{"request_id", req.request_id}});
    auto principal = authorize(req, res, edge.auth, auth::kScopeUpload);
    if (!principal) return;
    auto parsed = read_request(req);
    if (const auto* error = std::get_if<ApiError>(&parsed)) {
        http::send_error(res, error->status, error->code, error->message);
        return;
    }
    const auto& wanted = std::get<UploadRequest>(parsed);
    const std::uint64_t limit = edge.uploads.limits().max_bytes;
    if (wanted.size && *wanted.size > limit) {
        http::send_error(res, 413, "too_large",
                         "the upload is " + std::to_string(*wanted.size) + " bytes; the limit is " +
                             std::to_string(limit));
        return;
    }
    // The same per-principal budget as POST /v1/images: a URL is an upload to come.
    std::string rate_key = principal->id.empty() ? "address " + req.remote : principal->id;
    if (auto wait = edge.rates.admit(rate_key, wanted.size.value_or(0))) {
        res.set_header("Retry-After", std::to_string(wait->count()));
        http::send_error(res, 429, "rate_limited",
                         "too many uploads from this principal; retry after " +
                             std::to_string(wait->count()) + " s");
        return;
    }
    const std::string id = new_image_id();
    const std::string key = keys::original(id);
    const std::uint64_t max_bytes = wanted.size.value_or(limit);
    const auto expires = std::chrono::system_clock::now() + policy.ttl;
    std::optional<std::string> owner;
    if (!principal->id.empty()) owner = principal->id;
    const std::string visibility =
        upload_visibility(owner, nlohmann::json{{"visibility", wanted.visibility}});
    std::optional<storage::DirectUpload> upload;
    if (policy.mode == UploadUrlMode::store) {
        const char* step = "presign the upload";
        try {
            upload = edge.store.presigned_upload(key, policy.ttl,
                                                 {wanted.content_type, wanted.size, principal->id});
            // The bucket's event will name only the object: its owner is recorded first, and
            // no URL is handed out unless it was.
            step = "store the upload's reservation";
            if (upload)
                write_reservation(edge.store, {id, owner, visibility, wanted.content_type,
                                               max_bytes, rfc3339(expires)});
        } catch (const storage::StorageError& e) {
            request_log.error(std::string("could not ") + step,
                              {{"image_id", id}, {"error", e.what()}});
            storage_failure(res, e, step);
            return;
        }
    }
    const char* target = upload ? "store" : "ingest";
    if (!upload) {
        auto base = public_base(req, policy);
        if (!base) {
            http::send_error(res, 400, "bad_host",
                             "the request has no usable Host header to build the upload URL from");
            return;
        }
        UploadGrant grant{
            id,
            std::chrono::duration_cast<std::chrono::seconds>(expires.time_since_epoch()).count(),
            max_bytes,
            wanted.content_type,
            principal->id,
            wanted.visibility};
        upload = storage::DirectUpload{*base + policy.signer.sign(grant),
                                       {{"Content-Type", wanted.content_type}}};
    }
    nlohmann::json headers = nlohmann::json::object();
    for (const auto& [name, value] : upload->headers) headers[name] = value;
    count(target);
    // The URL is a credential: the log names the image and where it points, never the URL.
    request_log.info("upload URL issued", {{"image_id", id}, {"target", target}});
    res.set_header("Location", "/v1/images/" + id);
    res.set_header("Cache-Control", "no-store");
    res.set_json(201, {{"id", id},
                       {"key", key},
                       {"status_url", "/v1/images/" + id},
                       {"upload",
                        {{"method", "PUT"},
                         {"url", upload->url},
                         {"headers", headers},
                         {"expires_at", rfc3339(expires)},
                         {"max_bytes", max_bytes}}}});
}

void put_upload(http::Request& req, http::Response& res, Edge& edge) {
    const UploadUrlPolicy& policy = edge.upload_urls;
    if (policy.mode == UploadUrlMode::off) {
        http::send_error(res, 404, "not_found", "upload URLs are turned off on this service");
        return;
    }
    const trace::TraceContext trace =
        trace::continue_or_start(req.header("traceparent"), req.header("tracestate"));
    res.set_header("traceparent", trace.traceparent());
    const auto request_log = log::Context({{"request_id", req.request_id}}).with_trace(trace);
    const std::string& id = req.params.at(0);
    if (!is_valid_image_id(id)) {
        http::send_error(res, 400, "bad_id", "image ids are lowercase UUIDs");
        return;
    }
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    auto verdict = policy.signer.verify(id, req.query_params(), now);
    if (const auto* error = std::get_if<ApiError>(&verdict)) {
        http::send_error(res, error->status, error->code, error->message);
        return;
    }
    const auto& grant = std::get<UploadGrant>(verdict);
    // The signed Content-Type, exactly, as S3 holds a presigned PUT to its signed headers.
    if (req.header("content-type") != grant.content_type) {
        http::send_error(
            res, 403, "content_type_mismatch",
            "send the Content-Type the upload URL was issued for: " + grant.content_type);
        return;
    }
    UploadLimits limits = edge.uploads.limits();
    limits.max_bytes = std::min(limits.max_bytes, grant.max_bytes);
    auto declared = req.body->declared_length();
    if (declared && *declared > limits.max_bytes) {
        res.close = true;  // the body stays unread
        http::send_error(res, 413, "too_large",
                         "the upload is " + std::to_string(*declared) + " bytes; the limit is " +
                             std::to_string(limits.max_bytes));
        return;
    }
    if (declared && *declared == 0) {
        http::send_error(res, 400, "empty_body", "the upload has no bytes");
        return;
    }
    std::string slot_key = grant.owner.empty() ? "address " + req.remote : grant.owner;
    auto admission = quotas::admit_upload(edge.concurrent, edge.inflight, slot_key,
                                          declared.value_or(limits.max_bytes), res);
    if (!admission) return;
    std::optional<SpooledUpload> spool;
    try {
        spool.emplace(edge.spool_dir);
        spool_raw_body(req, *spool, limits);
        spool->finish();
    } catch (const SpoolError& e) {
        request_log.error("cannot spool an upload", {{"error", e.what()}});
        res.set_header("Retry-After", "5");
        http::send_error(res, 503, "unavailable", "the upload could not be buffered; try again");
        res.close = true;
        return;
    }
    std::map<std::string, std::string> attributes;
    if (!grant.visibility.empty()) attributes["visibility"] = grant.visibility;
    auto outcome =
        edge.uploads.accept_reserved(id, *spool, attributes, grant.owner, trace, request_log);
    answer_upload(res, outcome);
}

}  // namespace fotogal::ingest
