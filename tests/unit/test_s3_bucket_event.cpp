// common/events/s3_bucket_event.hpp: S3 event notifications (AWS `Records[].s3`, as AWS, MinIO,
// Ceph and versitygw send them) turned into requests, one per record.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "common/events/event_types.hpp"
#include "common/events/image_events.hpp"
#include "common/events/s3_bucket_event.hpp"
#include "common/image_id.hpp"

namespace {

using nlohmann::json;
namespace ev = fotogal::events;

constexpr const char* kId = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";

// One record as versitygw v1.7.0 publishes it (reference: its `s3:` prefixed eventName,
// the quoted ETag, versionId null).
json record(const std::string& key, const std::string& event_name = "s3:ObjectCreated:Put") {
    json r = json::parse(R"({
      "eventVersion": "2.2", "eventSource": "aws:s3", "awsRegion": "us-east-1",
      "eventTime": "2026-11-30T10:00:00Z", "eventName": "",
      "userIdentity": {"PrincipalId": "k"},
      "s3": {"s3SchemaVersion": "1.0", "configurationId": "webhook-global",
             "bucket": {"name": "bucket-one", "arn": "arn:aws:s3:::bucket-one"},
             "object": {"key": "", "size": 914024,
                        "eTag": "\"fe49a4b3c2d1e0f9a8b7c6d5e4f3a2b1\"",
                        "versionId": null, "sequencer": "1"}}
    })");
    r["eventName"] = event_name;
    r["s3"]["object"]["key"] = key;
    return r;
}

json notification(std::initializer_list<json> records) {
    json list = json::array();
    for (const auto& r : records) list.push_back(r);
    return {{"Records", list}};
}

}  // namespace

TEST_CASE("S3 event: a versitygw ObjectCreated record becomes a request for the object") {
    auto parsed = ev::parse_events(notification({record(std::string("originals/") + kId)}).dump());
    REQUIRE(parsed.size() == 1);
    const auto* r = std::get_if<ev::ImageRequest>(&parsed[0]);
    REQUIRE(r);
    CHECK(r->type == ev::kS3ObjectCreated);
    CHECK(r->object_key == std::string("originals/") + kId);
    CHECK(r->image_id == kId);  // originals/<id> is image <id>
    CHECK(r->data.at("bucket") == "bucket-one");
    CHECK(r->data.at("etag") == "fe49a4b3c2d1e0f9a8b7c6d5e4f3a2b1");  // quotes removed
    CHECK(r->data.at("size") == 914024);
    CHECK(r->event_id ==
          std::string("bucket-one/originals/") + kId + "@fe49a4b3c2d1e0f9a8b7c6d5e4f3a2b1");
    CHECK(ev::is_bucket_event(*r));
    CHECK_FALSE(ev::carries_upload_facts(*r));
}

TEST_CASE("S3 event: AWS's eventName without the s3: prefix, every ObjectCreated kind") {
    for (const char* name : {"ObjectCreated:Put", "ObjectCreated:Post", "ObjectCreated:Copy",
                             "ObjectCreated:CompleteMultipartUpload", "s3:ObjectCreated:Copy"}) {
        CAPTURE(name);
        auto parsed = ev::parse_events(notification({record("originals/a", name)}).dump());
        REQUIRE(parsed.size() == 1);
        CHECK(std::holds_alternative<ev::ImageRequest>(parsed[0]));
    }
}

TEST_CASE("S3 event: keys are URL-encoded, spaces as '+'") {
    auto parsed = ev::parse_events(
        notification({record("originals/holiday+2026%2Fbeach%2B%C3%A9t%C3%A9.jpg")}).dump());
    const auto* r = std::get_if<ev::ImageRequest>(&parsed.at(0));
    REQUIRE(r);
    CHECK(r->object_key == "originals/holiday 2026/beach+\xC3\xA9t\xC3\xA9.jpg");
    CHECK(r->image_id == fotogal::image_id_for_key(r->object_key));
    CHECK(fotogal::is_valid_image_id(r->image_id));
    CHECK_FALSE(ev::decode_s3_event_key("bad%2"));
    CHECK_FALSE(ev::decode_s3_event_key("bad%zz"));
    CHECK(ev::decode_s3_event_key("a%20b+c") == "a b c");
}

TEST_CASE("S3 event: versitygw's unencoded keys; ambiguous keys carry both readings") {
    // A literal space: never sent by a server that encodes, so the key is taken as it is.
    auto raw = ev::parse_events(notification({record("originals/holiday photo+1.jpg")}).dump());
    const auto* r = std::get_if<ev::ImageRequest>(&raw.at(0));
    REQUIRE(r);
    CHECK(r->object_key == "originals/holiday photo+1.jpg");
    CHECK_FALSE(r->data.contains("key_as_sent"));
    // "a+b" is "a b" encoded, or versitygw's "a+b": the decoded one first, the other kept.
    auto both = ev::parse_events(notification({record("originals/a+b.jpg")}).dump());
    r = std::get_if<ev::ImageRequest>(&both.at(0));
    REQUIRE(r);
    CHECK(r->object_key == "originals/a b.jpg");
    CHECK(r->data.at("key_as_sent") == "originals/a+b.jpg");
}

TEST_CASE("S3 event: the start-up test record and other event names need no work") {
    // versitygw's at start-up, and the one AWS sends when notifications are configured.
    for (const char* value :
         {R"({"Bucket":"Test-Bucket","Event":"s3:TestEvent","Time":"2026-11-30T10:00:00Z"})",
          R"({"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b","RequestId":"r"})",
          R"({"Records":[]})"}) {
        CAPTURE(value);
        auto parsed = ev::parse_events(value);
        REQUIRE(parsed.size() == 1);
        CHECK(std::holds_alternative<ev::Ignored>(parsed[0]));
    }
    for (const char* name : {"s3:ObjectRemoved:Delete", "ObjectRemoved:DeleteMarkerCreated",
                             "ObjectRestore:Completed", "s3:ObjectTagging:Put"}) {
        CAPTURE(name);
        auto parsed = ev::parse_events(notification({record("originals/a", name)}).dump());
        CHECK(std::holds_alternative<ev::Ignored>(parsed.at(0)));
    }
}

TEST_CASE("S3 event: the pipeline's own outputs are ignored by the parser already") {
    auto parsed = ev::parse_events(
        notification({record("renditions/x/large.jpg"), record("manifests/x.json")}).dump());
    REQUIRE(parsed.size() == 2);
    CHECK(std::holds_alternative<ev::Ignored>(parsed[0]));
    CHECK(std::holds_alternative<ev::Ignored>(parsed[1]));
}

TEST_CASE("S3 event: several records, one result each; a malformed one is invalid by index") {
    json broken = record("originals/b");
    broken["s3"]["object"].erase("key");
    json no_bucket = record("originals/c");
    no_bucket["s3"].erase("bucket");
    auto parsed =
        ev::parse_events(notification({record("originals/a"), broken, record("originals/bad%g1"),
                                       no_bucket, json("not a record"), record("originals/d", "")})
                             .dump());
    REQUIRE(parsed.size() == 6);
    CHECK(std::holds_alternative<ev::ImageRequest>(parsed[0]));
    for (std::size_t i = 1; i < parsed.size(); ++i) {
        CAPTURE(i);
        const auto* invalid = std::get_if<ev::Invalid>(&parsed[i]);
        REQUIRE(invalid);
        CHECK(invalid->reason.find("Records[" + std::to_string(i) + "]") != std::string::npos);
    }
    // Records that is not an array: the whole message is invalid.
    auto whole = ev::parse_events(R"({"Records":{"s3":{}}})");
    REQUIRE(whole.size() == 1);
    CHECK(std::holds_alternative<ev::Invalid>(whole[0]));
}

TEST_CASE("S3 event: parse_event gives tools the first record that asks for work") {
    auto parsed = ev::parse_event(
        notification({record("originals/a", "s3:ObjectRemoved:Delete"), record("originals/b")})
            .dump());
    const auto* r = std::get_if<ev::ImageRequest>(&parsed);
    REQUIRE(r);
    CHECK(r->object_key == "originals/b");
}
