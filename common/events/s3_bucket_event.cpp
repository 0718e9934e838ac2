#include "common/events/s3_bucket_event.hpp"

#include "common/events/event_types.hpp"
#include "common/image_id.hpp"
#include "common/object_keys.hpp"

namespace fotogal::events {

using nlohmann::json;

namespace {

constexpr std::string_view kCreatedPrefix = "ObjectCreated:";

const json* member(const json& object, const char* name) {
    if (!object.is_object()) return nullptr;
    auto it = object.find(name);
    return it == object.end() ? nullptr : &*it;
}

std::string string_at(const json& object, const char* name) {
    const json* v = member(object, name);
    return v && v->is_string() ? v->get<std::string>() : std::string();
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// S3 ETags are quoted ("\"fe49…\""); some servers send them bare.
std::string unquoted(std::string etag) {
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"')
        etag = etag.substr(1, etag.size() - 2);
    return etag;
}

ParsedEvent parse_record(const json& record, std::size_t index) {
    std::string where = "S3 notification Records[" + std::to_string(index) + "]";
    if (!record.is_object()) return Invalid{where + " is not an object"};
    std::string name = string_at(record, "eventName");
    if (name.empty()) return Invalid{where + " has no eventName"};
    // AWS sends "ObjectCreated:Put"; versitygw prefixes it with "s3:".
    std::string_view bare = name;
    if (bare.starts_with("s3:")) bare.remove_prefix(3);
    if (!bare.starts_with(kCreatedPrefix))
        return Ignored{where + ": S3 event '" + name + "' needs no work"};
    const json* s3 = member(record, "s3");
    if (!s3 || !s3->is_object()) return Invalid{where + " has no s3 object"};
    const json* bucket = member(*s3, "bucket");
    const json* object = member(*s3, "object");
    std::string bucket_name = bucket ? string_at(*bucket, "name") : "";
    if (bucket_name.empty()) return Invalid{where + " has no s3.bucket.name"};
    std::string encoded_key = object ? string_at(*object, "key") : "";
    if (encoded_key.empty()) return Invalid{where + " has no s3.object.key"};
    // AWS, MinIO and Ceph URL-encode the key; versitygw (v1.7.0) sends it as it is, so a key
    // with a literal space was not encoded. One with '+' or '%' is ambiguous: both readings
    // travel (data.key_as_sent), and the worker takes the one that exists.
    std::optional<std::string> key = encoded_key;
    if (encoded_key.find(' ') == std::string::npos) key = decode_s3_event_key(encoded_key);
    if (!key || key->empty())
        return Invalid{where + ": s3.object.key '" + encoded_key + "' is not URL-encoded"};

    // As for OCI events: the pipeline's own outputs are never work, whatever reads this
    // (workers narrow it further to originals/ under the store's key prefix).
    if (keys::is_pipeline_output(*key))
        return Ignored{where + ": the pipeline's own output " + *key};
    ImageRequest r;
    r.type = std::string(kS3ObjectCreated);
    r.object_key = *key;
    r.image_id = image_id_for_key(*key);
    std::string etag = unquoted(string_at(*object, "eTag"));
    std::string sequencer = string_at(*object, "sequencer");
    // S3 records carry no event id; the object, its content and the write's order name it.
    r.event_id = bucket_name + "/" + *key + "@" + (etag.empty() ? sequencer : etag);
    r.data = {{"bucket", bucket_name},
              {"object_key", *key},
              {"etag", etag},
              {"event_name", name},
              {"event_time", string_at(record, "eventTime")}};
    if (*key != encoded_key) r.data["key_as_sent"] = encoded_key;
    if (const json* size = member(*object, "size"); size && size->is_number_unsigned())
        r.data["size"] = *size;
    return r;
}

}  // namespace

bool is_s3_notification(const json& event) {
    if (!event.is_object()) return false;
    if (event.contains("Records")) return true;
    return string_at(event, "Event") == "s3:TestEvent";
}

std::optional<std::string> decode_s3_event_key(std::string_view encoded) {
    std::string key;
    key.reserve(encoded.size());
    for (std::size_t i = 0; i < encoded.size(); ++i) {
        char c = encoded[i];
        if (c == '+') {
            key += ' ';
        } else if (c == '%') {
            if (i + 2 >= encoded.size()) return std::nullopt;
            int high = hex_digit(encoded[i + 1]), low = hex_digit(encoded[i + 2]);
            if (high < 0 || low < 0) return std::nullopt;
            key += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            key += c;
        }
    }
    return key;
}

std::vector<ParsedEvent> parse_s3_notification(const json& event) {
    if (string_at(event, "Event") == "s3:TestEvent")
        return {Ignored{"S3 test event (sent when notifications are switched on)"}};
    const json* records = member(event, "Records");
    if (!records || !records->is_array())
        return {Invalid{"S3 notification Records is not an array"}};
    if (records->empty()) return {Ignored{"S3 notification without records"}};
    std::vector<ParsedEvent> parsed;
    parsed.reserve(records->size());
    for (std::size_t i = 0; i < records->size(); ++i)
        parsed.push_back(parse_record((*records)[i], i));
    return parsed;
}

}  // namespace fotogal::events
