#include "ingest/upload_service.hpp"

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/digest.hpp"
#include "common/events/image_events.hpp"
#include "common/image_id.hpp"
#include "common/log_context.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"
#include "common/retry.hpp"

namespace fotogal::ingest {

namespace {

constexpr std::size_t kMaxAttributes = 32;
constexpr std::size_t kMaxAttributeName = 64;
constexpr std::size_t kMaxAttributeValue = 1024;

std::optional<ApiError> check_attributes(const std::map<std::string, std::string>& attributes) {
    if (attributes.size() > kMaxAttributes)
        return ApiError{400, "too_many_attributes",
                        "at most " + std::to_string(kMaxAttributes) + " attributes per upload"};
    for (const auto& [k, v] : attributes)
        if (k.empty() || k.size() > kMaxAttributeName || v.size() > kMaxAttributeValue)
            return ApiError{400, "bad_attribute",
                            "attribute '" + k.substr(0, kMaxAttributeName) +
                                "': names are 1-64 bytes, values at most 1024 bytes"};
    if (auto v = attributes.find("visibility");
        v != attributes.end() && v->second != "public" && v->second != "private")
        return ApiError{400, "bad_visibility", "visibility is 'public' or 'private'"};
    return std::nullopt;
}

void count(const char* result) {
    metrics::counter("fotogal_uploads_total", "uploads by result", {{"result", result}}).inc();
}

}  // namespace

UploadService::UploadService(storage::ObjectStore& store, kafka::EventPublisher& producer,
                             std::string topic, UploadLimits limits)
    : store_(store), producer_(producer), topic_(std::move(topic)), limits_(limits) {}

UploadOutcome UploadService::accept(const SpooledUpload& upload,
                                    const std::map<std::string, std::string>& attributes,
                                    const std::string& owner, const trace::TraceContext& trace,
                                    const log::Context& request_log) {
    if (auto error = check_attributes(attributes)) {
        count("rejected");
        return *error;
    }
    return store_and_publish(new_image_id(), false, upload, attributes, owner, trace, request_log);
}

UploadOutcome UploadService::accept_reserved(const std::string& image_id,
                                             const SpooledUpload& upload,
                                             const std::map<std::string, std::string>& attributes,
                                             const std::string& owner,
                                             const trace::TraceContext& trace,
                                             const log::Context& request_log) {
    return store_and_publish(image_id, true, upload, attributes, owner, trace, request_log);
}

UploadOutcome UploadService::store_and_publish(const std::string& image_id, bool reserved,
                                               const SpooledUpload& upload,
                                               const std::map<std::string, std::string>& attributes,
                                               const std::string& owner,
                                               const trace::TraceContext& trace,
                                               const log::Context& request_log) {
    MappedUpload mapped = upload.map();
    Validation validation = validate_upload(mapped.bytes(), limits_);
    if (auto* error = std::get_if<ApiError>(&validation)) {
        count("rejected");
        return *error;
    }
    const auto& header = std::get<formats::ImageHeader>(validation);
    events::UploadFacts facts;
    facts.image_id = image_id;
    facts.object_key = keys::original(facts.image_id);
    facts.size = upload.size();
    facts.content_type = std::string(formats::media_type(header.format));
    facts.sha256 = upload.sha256();
    facts.uploaded_at = rfc3339_now();
    facts.width = header.width;
    facts.height = header.height;
    facts.attributes = attributes;
    facts.owner = owner;
    const log::Context log = request_log.with({{"image_id", facts.image_id}}).with_trace(trace);
    try {
        if (reserved && store_.head(facts.object_key)) {
            count("rejected");
            return ApiError{409, "already_uploaded",
                            "this upload URL has been used; ask POST /v1/uploads for another"};
        }
        with_storage_retries(
            "put original",
            [&] { store_.put_file(facts.object_key, upload.path(), facts.content_type); },
            RetryPolicy{3, std::chrono::milliseconds(100), std::chrono::milliseconds(1000)});
    } catch (const storage::StorageError& e) {
        log.error("storing the original failed",
                  {{"kind", kind_name(e.kind())}, {"error", e.what()}});
        if (e.kind() != ErrorKind::transient) {
            // The store refuses for good (access denied, a bucket that does not exist): the
            // client cannot fix that by retrying; the operator must fix the configuration.
            count("error");
            return ApiError{500, "storage_refused",
                            "the object store refused the upload; the service is misconfigured"};
        }
        count("unavailable");
        return Unavailable{"the object store did not take the upload; try again"};
    }
    kafka::Delivery delivery = producer_.send(
        topic_, facts.image_id, events::uploaded_event(facts, "/fotogal/ingest", trace).dump());
    if (!delivery.ok) {
        log.error("publishing the upload event failed", {{"error", delivery.error}});
        // Nothing refers to the stored original; remove it rather than leave an orphan.
        try {
            store_.remove(facts.object_key);
        } catch (const storage::StorageError& e) {
            // Either kind: an orphaned original costs only space, and the client is told to retry.
            log.warn("could not remove the unannounced original", {{"error", e.what()}});
        }
        count("unavailable");
        return Unavailable{"the event stream did not acknowledge the upload; try again"};
    }
    count("accepted");
    log.info("upload accepted",
             {{"bytes", facts.size}, {"format", formats::format_name(header.format)}});
    return Accepted{facts.image_id, facts.object_key};
}

UploadService::Lookup UploadService::lookup(const std::string& image_id) {
    Lookup found;
    if (auto bytes = store_.get(keys::manifest(image_id))) {
        found.manifest = nlohmann::json::parse(bytes->begin(), bytes->end(), nullptr, false);
        if (found.manifest->is_discarded()) found.manifest = nlohmann::json("corrupt");
        found.original = true;
        return found;
    }
    found.original = store_.head(keys::original(image_id)).has_value();
    return found;
}

}  // namespace fotogal::ingest
