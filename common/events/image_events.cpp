#include "common/events/image_events.hpp"

#include <algorithm>
#include <cctype>

#include "common/clock.hpp"
#include "common/events/event_trace.hpp"
#include "common/events/event_types.hpp"
#include "common/events/s3_bucket_event.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"

namespace fotogal::events {

using nlohmann::json;

json envelope(std::string_view type, std::string_view source, std::string_view image_id, json data,
              const trace::TraceContext& trace) {
    json event = {{"specversion", "1.0"},
                  {"id", new_image_id()},
                  {"source", source},
                  {"type", type},
                  {"time", rfc3339_now()},
                  {"subject", image_id},
                  {"datacontenttype", "application/json"},
                  {"data", std::move(data)}};
    set_trace_attributes(event, trace);
    return event;
}

json uploaded_event(const UploadFacts& f, std::string_view source,
                    const trace::TraceContext& trace) {
    json data = {{"image_id", f.image_id},
                 {"object_key", f.object_key},
                 {"size", f.size},
                 {"content_type", f.content_type},
                 {"sha256", f.sha256},
                 {"uploaded_at", f.uploaded_at},
                 {"width", f.width},
                 {"height", f.height},
                 {"attributes", f.attributes}};
    if (!f.owner.empty()) data["owner"] = f.owner;
    return envelope(kUploaded, source, f.image_id, std::move(data), trace);
}

json reprocess_event(std::string_view image_id, std::string_view object_key, bool force, json data,
                     std::string_view source, const trace::TraceContext& trace) {
    if (!data.is_object()) data = json::object();
    data["image_id"] = image_id;
    data["object_key"] = object_key;
    data["force"] = force;
    return envelope(kReprocess, source, image_id, std::move(data), trace);
}

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

// OCI event payloads are to be read without depending on key case (reference/oci.md §5).
const json* find_ci(const json& object, std::string_view key) {
    if (!object.is_object()) return nullptr;
    for (auto it = object.begin(); it != object.end(); ++it)
        if (lower(it.key()) == lower(std::string(key))) return &it.value();
    return nullptr;
}

std::string string_field(const json& object, std::string_view key) {
    const json* v = find_ci(object, key);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

ParsedEvent parse_fotogal(const json& event, const std::string& type) {
    if (type != kUploaded && type != kReprocess)
        return Invalid{"event type '" + type + "' is not one a worker processes"};
    const json* data = find_ci(event, "data");
    if (!data || !data->is_object()) return Invalid{"event has no data object"};
    ImageRequest r;
    r.event_id = string_field(event, "id");
    r.type = type;
    r.image_id = string_field(*data, "image_id");
    r.object_key = string_field(*data, "object_key");
    if (!is_valid_image_id(r.image_id))
        return Invalid{"event data.image_id is missing or not a canonical UUID"};
    if (r.object_key.empty()) r.object_key = keys::original(r.image_id);
    const json* force = find_ci(*data, "force");
    r.force = force && force->is_boolean() && force->get<bool>();
    // An owner that cannot be read must not turn into "no owner" (which would make the
    // image public): the event is refused instead.
    if (const json* owner = find_ci(*data, "owner")) {
        if (!owner->is_string() || owner->get_ref<const std::string&>().empty())
            return Invalid{"event data.owner must be a non-empty string"};
        r.owner = owner->get<std::string>();
    }
    r.data = *data;
    r.trace = trace_attributes(event);
    return r;
}

ParsedEvent parse_oci(const json& event) {
    const json* data = find_ci(event, "data");
    if (!data || !data->is_object()) return Invalid{"OCI event has no data object"};
    std::string key = string_field(*data, "resourceName");
    if (key.empty()) return Invalid{"OCI object event has no data.resourceName"};
    if (keys::is_pipeline_output(key))
        return Ignored{"bucket event about the pipeline's own output " + key};
    ImageRequest r;
    r.event_id = string_field(event, "eventID");
    r.type = std::string(kOciCreateObject);
    r.object_key = key;
    r.image_id = image_id_for_key(key);
    r.data = *data;
    return r;
}

}  // namespace

bool carries_upload_facts(const ImageRequest& request) {
    if (request.type == kUploaded) return true;
    if (request.type != kReprocess || !request.data.is_object()) return false;
    return request.owner.has_value() || request.data.contains("attributes");
}

bool is_bucket_event(const ImageRequest& request) {
    return request.type == kOciCreateObject || request.type == kS3ObjectCreated;
}

std::vector<ParsedEvent> parse_events(std::string_view value) {
    if (value.size() > kMaxEventBytes)
        return {Invalid{"event is " + std::to_string(value.size()) + " bytes, over the " +
                        std::to_string(kMaxEventBytes) + "-byte limit"}};
    json event = json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (event.is_discarded()) return {Invalid{"event is not valid JSON"}};
    if (!event.is_object()) return {Invalid{"event is JSON but not an object"}};
    std::string type = string_field(event, "type");
    if (!type.empty()) return {parse_fotogal(event, type)};
    std::string oci_type = string_field(event, "eventType");
    if (lower(oci_type) == kOciCreateObject) return {parse_oci(event)};
    if (!oci_type.empty()) return {Ignored{"OCI event type '" + oci_type + "' needs no work"}};
    if (is_s3_notification(event)) return parse_s3_notification(event);
    return {Invalid{"event has neither a CloudEvents 'type', an OCI 'eventType' nor S3 'Records'"}};
}

ParsedEvent parse_event(std::string_view value) {
    std::vector<ParsedEvent> parsed = parse_events(value);
    for (auto& one : parsed)
        if (std::holds_alternative<ImageRequest>(one)) return std::move(one);
    return std::move(parsed.front());
}

}  // namespace fotogal::events
