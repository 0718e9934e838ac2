// Building the events ingest and workers publish, and reading the ones workers consume.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/trace/trace_context.hpp"

namespace fotogal::events {

// What ingest knows about an accepted upload; becomes the `data` of an uploaded event.
struct UploadFacts {
    std::string image_id;
    std::string object_key;
    std::uint64_t size = 0;
    std::string content_type;
    std::string sha256;
    std::string uploaded_at;  // RFC 3339
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::map<std::string, std::string> attributes;
    // The authenticated principal that uploaded it; "" for an anonymous upload
    // (FOTOGAL_AUTH=none), whose event then has no `owner` field at all.
    std::string owner;
};

// A CloudEvents 1.0 envelope around `data` with a fresh event id; `subject` = image id. A
// valid `trace` becomes the distributed-tracing attributes (traceparent, tracestate).
nlohmann::json envelope(std::string_view type, std::string_view source, std::string_view image_id,
                        nlohmann::json data, const trace::TraceContext& trace = {});

nlohmann::json uploaded_event(const UploadFacts& facts, std::string_view source,
                              const trace::TraceContext& trace = {});

// A request to process an image again (replay, backfill). `data` carries what is known of
// the original (copied from its upload event, or only the object's size); image_id,
// object_key and force are set here. With force, workers redo it even when its manifest
// was made with their current recipe.
nlohmann::json reprocess_event(std::string_view image_id, std::string_view object_key, bool force,
                               nlohmann::json data, std::string_view source,
                               const trace::TraceContext& trace = {});

// A request to (re)process one image, whatever event it came from.
struct ImageRequest {
    std::string event_id;
    std::string type;  // uploaded, reprocess, or a bucket event's (OCI createobject, S3)
    std::string image_id;
    std::string object_key;
    bool force = false;   // reprocess even when the manifest is current
    nlohmann::json data;  // the event's data as received (attributes, sha256, ...)
    // data.owner: who uploaded the image. Absent in anonymous uploads, in events from
    // before ownership existed, and in events that carry no upload facts (backfill, bucket
    // events); see carries_upload_facts.
    std::optional<std::string> owner;
    // The event's traceparent/tracestate attributes, when present and valid (never in OCI
    // bucket events).
    std::optional<trace::TraceContext> trace;
};

// True when the request says who uploaded the image and what it asked for (an upload, or a
// replay of one, which copies the upload's data); false for backfill and bucket events,
// which know only the object, so a worker keeps what an earlier manifest recorded.
bool carries_upload_facts(const ImageRequest& request);

// An event that needs no work (a bucket event about the pipeline's own outputs).
struct Ignored {
    std::string reason;
};

// Not JSON, not a known type, or missing what is needed: goes to the dead-letter topic.
struct Invalid {
    std::string reason;
};

using ParsedEvent = std::variant<ImageRequest, Ignored, Invalid>;

// What a worker does with one Kafka message value: one result per event it holds. Our own
// events and OCI's hold one; an S3 notification holds one per record
// (common/events/s3_bucket_event).
std::vector<ParsedEvent> parse_events(std::string_view value);

// The one event a message value is about: for an S3 notification with several records, the
// first that asks for work (else the first record's result). For tools that act per message
// (replay, dead-letter records); workers handle every record (parse_events).
ParsedEvent parse_event(std::string_view value);

// An event the bucket itself emitted about an object written into it (OCI createobject, S3
// ObjectCreated), rather than one of ours: it knows only the object, not the upload.
bool is_bucket_event(const ImageRequest& request);

}  // namespace fotogal::events
