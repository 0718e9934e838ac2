#include "ingest/upload_route.hpp"
#include "ingest/quotas/upload_admission.hpp"

#include <map>
#include <nlohmann/json.hpp>

#include "common/http/body_reader.hpp"
#include "common/http/multipart_reader.hpp"
#include "common/log_context.hpp"
#include "common/trace/trace_context.hpp"
#include "ingest/request_auth.hpp"

namespace fotogal::ingest {

namespace {

constexpr std::size_t kChunk = 64 * 1024;
constexpr std::size_t kSniffBytes = 4096;
constexpr std::size_t kMaxField = 1024;
// Multipart framing and form fields around the image.
constexpr std::uint64_t kMultipartSlack = 64 * 1024;

[[noreturn]] void too_large(std::uint64_t limit) {
    throw http::BodyError(
        413, "too_large",
        "the upload is larger than the limit of " + std::to_string(limit) + " bytes");
}

// Bytes that are no image are refused from their first bytes, before the rest is read: the
// signature of every format fits in the first kSniffBytes.
void refuse_if_no_image(std::string_view head, const UploadLimits& limits) {
    auto verdict =
        validate_upload({reinterpret_cast<const std::uint8_t*>(head.data()), head.size()}, limits);
    const auto* error = std::get_if<ApiError>(&verdict);
    if (error && error->status == 415) throw http::BodyError(415, error->code, error->message);
}

template <typename Source>
void spool_from(Source& source, SpooledUpload& spool, const UploadLimits& limits) {
    std::vector<char> buffer(kChunk);
    std::string head;
    for (;;) {
        std::size_t n = source.read(buffer);
        if (n == 0) return;
        if (spool.size() + n > limits.max_bytes) too_large(limits.max_bytes);
        if (head.size() < kSniffBytes) {
            head.append(buffer.data(), std::min(n, kSniffBytes - head.size()));
            if (head.size() == kSniffBytes) refuse_if_no_image(head, limits);
        }
        spool.append({buffer.data(), n});
    }
}

// The form's fields other than `file` become the upload's attributes.
std::optional<ApiError> spool_multipart(http::Request& req, const std::string& boundary,
                                        SpooledUpload& spool,
                                        std::map<std::string, std::string>& attributes,
                                        const UploadLimits& limits) {
    http::MultipartReader form(*req.body, boundary);
    bool have_file = false;
    while (auto part = form.next_part()) {
        if (part->name == "file" && !have_file) {
            have_file = true;
            spool_from(form, spool, limits);
            continue;
        }
        if (part->filename) continue;  // other files are not ours to keep
        std::string value;
        char buffer[kMaxField + 1];
        for (std::size_t n; (n = form.read(buffer)) > 0;) {
            value.append(buffer, n);
            if (value.size() > kMaxField)
                return ApiError{
                    400, "bad_attribute",
                    "attribute '" + part->name.substr(0, 64) + "': values are at most 1024 bytes"};
        }
        attributes[part->name] = std::move(value);
    }
    if (!have_file)
        return ApiError{400, "missing_file",
                        "multipart upload needs the image in a field named 'file'"};
    return std::nullopt;
}

}  // namespace

void answer_upload(http::Response& res, const UploadOutcome& outcome) {
    if (const auto* ok = std::get_if<Accepted>(&outcome)) {
        res.set_header("Location", "/v1/images/" + ok->image_id);
        res.set_json(202, {{"id", ok->image_id},
                           {"status", "accepted"},
                           {"status_url", "/v1/images/" + ok->image_id}});
    } else if (const auto* error = std::get_if<ApiError>(&outcome)) {
        http::send_error(res, error->status, error->code, error->message);
    } else {
        res.set_header("Retry-After", "5");
        http::send_error(res, 503, "unavailable", std::get<Unavailable>(outcome).message);
    }
}

void spool_raw_body(http::Request& req, SpooledUpload& spool, const UploadLimits& limits) {
    spool_from(*req.body, spool, limits);
}

void post_image(http::Request& req, http::Response& res, Edge& edge) {
    // Ingest's hop of the client's trace (a malformed or missing traceparent starts a new one,
    // never refuses the upload), echoed on every answer so the client can find its logs.
    const trace::TraceContext trace =
        trace::continue_or_start(req.header("traceparent"), req.header("tracestate"));
    res.set_header("traceparent", trace.traceparent());
    const auto request_log = log::Context({{"request_id", req.request_id}}).with_trace(trace);
    auto principal = authorize(req, res, edge.auth, auth::kScopeUpload);
    if (!principal) return;
    const std::uint64_t limit = edge.uploads.limits().max_bytes;
    auto boundary = http::MultipartReader::boundary_of(req.header("content-type"));
    std::uint64_t allowed = limit + (boundary ? kMultipartSlack : 0);
    auto declared = req.body->declared_length();
    if (declared && *declared > allowed) {
        res.close = true;  // the body stays unread
        http::send_error(res, 413, "too_large",
                         "the upload is " + std::to_string(*declared) + " bytes; the limit is " +
                             std::to_string(limit));
        return;
    }
    if (declared && *declared == 0) {
        http::send_error(res, 400, "empty_body", "the upload has no bytes");
        return;
    }
    // Anonymous callers (FOTOGAL_AUTH=none) are told apart by address, not pooled.
    std::string rate_key = principal->id.empty() ? "address " + req.remote : principal->id;
    if (auto wait = edge.rates.admit(rate_key, declared.value_or(0))) {
        res.set_header("Retry-After", std::to_string(wait->count()));
        http::send_error(res, 429, "rate_limited",
                         "too many uploads from this principal; retry after " +
                             std::to_string(wait->count()) + " s");
        return;
    }
    // A chunked body may be as large as the limit: that much is held for it.
    auto admission = quotas::admit_upload(edge.concurrent, edge.inflight, rate_key,
                                          declared.value_or(allowed), res);
    if (!admission) return;
    std::optional<SpooledUpload> spool;
    std::map<std::string, std::string> attributes;
    try {
        spool.emplace(edge.spool_dir);
        if (boundary) {
            if (auto error =
                    spool_multipart(req, *boundary, *spool, attributes, edge.uploads.limits())) {
                answer_upload(res, *error);
                return;
            }
        } else {
            spool_from(*req.body, *spool, edge.uploads.limits());
        }
        spool->finish();
    } catch (const SpoolError& e) {
        request_log.error("cannot spool an upload", {{"error", e.what()}});
        res.set_header("Retry-After", "5");
        http::send_error(res, 503, "unavailable", "the upload could not be buffered; try again");
        res.close = true;  // the rest of the body, if any, is not read
        return;
    }
    if (!boundary) {
        // A raw upload's attributes ride in the query string (?visibility=public&album=x).
        for (auto& [name, value] : req.query_params()) attributes[name] = std::move(value);
    }
    answer_upload(res, edge.uploads.accept(*spool, attributes, principal->id, trace, request_log));
}

}  // namespace fotogal::ingest
