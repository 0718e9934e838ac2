#include "workers/bucket_event_scope.hpp"

#include <array>

#include "common/config.hpp"
#include "common/events/event_types.hpp"
#include "common/image_id.hpp"
#include "common/log.hpp"
#include "common/metrics.hpp"
#include "common/object_keys.hpp"
#include "common/storage/storage_url.hpp"

namespace fotogal::worker {

namespace {

constexpr std::array kLayoutPrefixes = {keys::kOriginalsPrefix, keys::kRenditionsPrefix,
                                        keys::kManifestsPrefix, keys::kReservationsPrefix};

// The pipeline's own prefix `key` lies under, if any.
std::optional<std::string_view> layout_prefix_of(std::string_view key) {
    for (std::string_view layout : kLayoutPrefixes)
        if (key.starts_with(layout)) return layout;
    return std::nullopt;
}

}  // namespace

std::optional<std::string> bucket_event_out_of_scope(const BucketEventScope& scope,
                                                     std::string_view key) {
    if (auto layout = layout_prefix_of(key))
        return "the pipeline's own key under " + std::string(*layout) +
               " (ingest announces originals itself; renditions, manifests and reservations "
               "are the pipeline's own)";
    if (!key.starts_with(scope.dropoff_prefix))
        return "outside the drop-off prefix '" + scope.dropoff_prefix + "'";
    return std::nullopt;
}

void validate_dropoff_prefix(std::string_view prefix) {
    if (auto layout = layout_prefix_of(prefix))
        throw ConfigError("FOTOGAL_DROPOFF_PREFIX '" + std::string(prefix) +
                          "' lies inside the pipeline's own " + std::string(*layout) +
                          "; choose a prefix ingest never writes, e.g. incoming/");
}

BucketEventScope bucket_event_scope_for(const std::string& storage_url,
                                        std::string dropoff_prefix) {
    BucketEventScope scope{std::move(dropoff_prefix), "", ""};
    if (!storage_url.starts_with("s3://") && !storage_url.starts_with("oci://")) return scope;
    storage::StorageUrl u = storage::parse_storage_url(storage_url);
    // s3://bucket/prefix; oci://namespace/bucket/prefix
    std::string path = u.path;
    if (u.scheme == "oci") {
        auto slash = path.find('/');
        scope.bucket = path.substr(0, slash);
        path = slash == std::string::npos ? "" : path.substr(slash + 1);
    } else {
        scope.bucket = u.authority;
    }
    while (path.ends_with("/")) path.pop_back();
    if (!path.empty()) scope.key_prefix = path + "/";
    return scope;
}

namespace {

void skip(const events::ImageRequest& request, const std::string& reason, const char* label) {
    log::info(
        "bucket event skipped",
        {{"object_key", request.object_key}, {"event_id", request.event_id}, {"reason", reason}});
    count_skipped_bucket_event(label);
}

// S3 notifications: only the store's own originals/ (what direct uploads write).
bool admit_s3_event(const BucketEventScope& scope, events::ImageRequest& request) {
    const std::string bucket = request.data.value("bucket", "");
    if (!scope.bucket.empty() && bucket != scope.bucket) {
        skip(request, "bucket '" + bucket + "' is not the store's '" + scope.bucket + "'",
             "other_bucket");
        return false;
    }
    std::string_view key = request.object_key;
    if (!key.starts_with(scope.key_prefix) ||
        !key.substr(scope.key_prefix.size()).starts_with(keys::kOriginalsPrefix)) {
        skip(request,
             "not under the store's " + scope.key_prefix + std::string(keys::kOriginalsPrefix),
             "outside_originals");
        return false;
    }
    request.object_key = std::string(key.substr(scope.key_prefix.size()));
    request.image_id = image_id_for_key(request.object_key);
    // The other reading of an ambiguous key, in the same terms (or none when out of scope).
    if (auto sent = request.data.find("key_as_sent"); sent != request.data.end()) {
        std::string other = sent->is_string() ? sent->get<std::string>() : "";
        if (other.starts_with(scope.key_prefix + std::string(keys::kOriginalsPrefix)))
            *sent = other.substr(scope.key_prefix.size());
        else
            request.data.erase(sent);
    }
    return true;
}

// OCI createobject events: an original under the store's originals/<image id> (a direct
// upload through a pre-authenticated request, or one ingest stored and announced itself: the
// content check then skips it), else the drop-off rules.
bool admit_oci_event(const BucketEventScope& scope, events::ImageRequest& request) {
    std::string_view key = request.object_key;
    if (key.starts_with(scope.key_prefix)) {
        std::string_view in_store = key.substr(scope.key_prefix.size());
        if (in_store.starts_with(keys::kOriginalsPrefix) &&
            is_valid_image_id(in_store.substr(keys::kOriginalsPrefix.size()))) {
            std::string image_id(in_store.substr(keys::kOriginalsPrefix.size()));
            request.object_key = std::string(in_store);  // in_store points into the old key
            request.image_id = std::move(image_id);
            return true;
        }
        // The pipeline's own objects under the store's key prefix (a reservation of
        // oci://ns/bucket/photos is photos/reservations/<id>.json) are never drop-offs.
        if (auto layout = layout_prefix_of(in_store)) {
            skip(request, "the pipeline's own key under " + scope.key_prefix + std::string(*layout),
                 "pipeline_key");
            return false;
        }
    }
    auto reason = bucket_event_out_of_scope(scope, request.object_key);
    if (!reason) return true;
    skip(request, *reason,
         layout_prefix_of(request.object_key) ? "pipeline_key" : "outside_dropoff");
    return false;
}

}  // namespace

void count_skipped_bucket_event(const char* reason) {
    metrics::counter("fotogal_bucket_events_skipped_total",
                     "bucket events not processed: the pipeline's own keys, outside the "
                     "drop-off prefix or originals/, another bucket, or the object is gone",
                     {{"reason", reason}})
        .inc();
}

bool admit_bucket_event(const BucketEventScope& scope, events::ImageRequest& request) {
    if (request.type == events::kS3ObjectCreated) return admit_s3_event(scope, request);
    if (request.type == events::kOciCreateObject) return admit_oci_event(scope, request);
    return true;
}

}  // namespace fotogal::worker
