// Accepting an upload: validate, store the original, publish the uploaded event with
// acks=all. Accepted only when both the store and the broker confirmed (DESIGN.md §5).
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <variant>

#include "common/kafka/event_publisher.hpp"
#include "common/log_context.hpp"
#include "common/storage/object_store.hpp"
#include "common/trace/trace_context.hpp"
#include "ingest/upload_spool.hpp"
#include "ingest/upload_validation.hpp"

namespace fotogal::ingest {

struct Accepted {
    std::string image_id;
    std::string object_key;
};

struct Unavailable {  // 503 + Retry-After: nothing was accepted, try again
    std::string message;
};

using UploadOutcome = std::variant<Accepted, ApiError, Unavailable>;

class UploadService {
  public:
    UploadService(storage::ObjectStore& store, kafka::EventPublisher& producer, std::string topic,
                  UploadLimits limits);

    // `owner` is the authenticated principal ("" when anonymous); `trace` is ingest's own hop
    // of the request's trace, carried by the uploaded event; every line logged about the
    // image has the request's `log` fields, the image id and the trace id.
    UploadOutcome accept(const SpooledUpload& upload,
                         const std::map<std::string, std::string>& attributes,
                         const std::string& owner, const trace::TraceContext& trace = {},
                         const log::Context& log = {});

    // The same for an id reserved earlier by POST /v1/uploads: 409 when its original is
    // stored already (an upload URL replayed), so one id is announced once.
    // `attributes` are the signed ones (visibility), already checked when the URL was issued.
    UploadOutcome accept_reserved(const std::string& image_id, const SpooledUpload& upload,
                                  const std::map<std::string, std::string>& attributes,
                                  const std::string& owner, const trace::TraceContext& trace = {},
                                  const log::Context& log = {});

    const UploadLimits& limits() const { return limits_; }

    // What the store knows of an image: its manifest when it is done, else whether the
    // original is there (pending). Throws StorageError; a manifest that is not JSON is
    // returned as a JSON string (the caller refuses it).
    struct Lookup {
        std::optional<nlohmann::json> manifest;
        bool original = false;
    };
    Lookup lookup(const std::string& image_id);

  private:
    UploadOutcome store_and_publish(const std::string& image_id, bool reserved,
                                    const SpooledUpload& upload,
                                    const std::map<std::string, std::string>& attributes,
                                    const std::string& owner, const trace::TraceContext& trace,
                                    const log::Context& request_log);

    storage::ObjectStore& store_;
    kafka::EventPublisher& producer_;
    std::string topic_;
    UploadLimits limits_;
};

}  // namespace fotogal::ingest
