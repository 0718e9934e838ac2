// S3 event notifications (the AWS `Records[].s3` format that AWS S3, MinIO, Ceph RGW and
// versitygw publish) as a source of work: an object written straight into the bucket, e.g.
// through a presigned upload URL, so no byte of it passed through ingest.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/events/image_events.hpp"

namespace fotogal::events {

// True when `event` is an S3 notification: it has a `Records` array, or it is the test
// record servers send when notifications are switched on (`"Event": "s3:TestEvent"`).
bool is_s3_notification(const nlohmann::json& event);

// One result per record, in order: an ImageRequest (type kS3ObjectCreated) for every
// ObjectCreated record, Ignored for other event names (removals, restores...) and for the
// test record, Invalid (with the record's index in the reason) for a record that lacks its
// bucket, key or event name or whose key is not valid URL encoding. Never empty: a
// notification without records is one Ignored.
//
// The request's object_key is the object's whole key in its bucket, decoded (AWS sends keys
// URL-encoded, spaces as '+'; versitygw sends them unencoded, so a key with a literal space
// is taken as it is); image_id is derived from that key (DESIGN.md §3). A store with a key
// prefix has to strip it and derive the id again (workers/bucket_event_scope).
// data: bucket, object_key, size, etag (quotes removed), event_name, event_time, and
// key_as_sent when decoding changed the key (the other reading of an ambiguous key).
std::vector<ParsedEvent> parse_s3_notification(const nlohmann::json& event);

// An AWS event key back to the object key: '+' is a space, %XX a byte; nullopt when a '%'
// is not followed by two hex digits.
std::optional<std::string> decode_s3_event_key(std::string_view encoded);

}  // namespace fotogal::events
