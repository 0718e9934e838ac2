// common/events/image_events.hpp: the CloudEvents 1.0 envelope ingest publishes, and parsing
// of what workers consume (our own events and OCI Object Storage events, DESIGN.md §2).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "common/events/event_types.hpp"
#include "common/events/image_events.hpp"
#include "common/image_id.hpp"

namespace {

using nlohmann::json;
namespace ev = fotogal::events;

constexpr const char* kImageId = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";

ev::UploadFacts facts() {
    ev::UploadFacts f;
    f.image_id = kImageId;
    f.object_key = std::string("originals/") + kImageId;
    f.size = 123456;
    f.content_type = "image/jpeg";
    f.sha256 = std::string(64, 'a');
    f.uploaded_at = "2026-01-02T03:04:05.678Z";
    f.width = 640;
    f.height = 480;
    f.attributes = {{"album", "holiday"}, {"owner", "u1"}};
    return f;
}

// OCI's documented example payload (reference/oci.md §5) with the object name replaced.
json oci_event(const std::string& resource_name) {
    json e = json::parse(R"({
      "cloudEventsVersion": "0.1",
      "eventID": "unique_ID",
      "eventType": "com.oraclecloud.objectstorage.createobject",
      "source": "objectstorage",
      "eventTypeVersion": "2.0",
      "eventTime": "2019-01-10T21:19:24.000Z",
      "contentType": "application/json",
      "extensions": { "compartmentId": "ocid1.compartment.oc1..unique_ID" },
      "data": {
        "compartmentId": "ocid1.compartment.oc1..unique_ID",
        "compartmentName": "example_name",
        "resourceName": "my_object",
        "resourceId": "/n/example_namespace/b/my_bucket/o/my_object",
        "availabilityDomain": "all",
        "additionalDetails": {
          "eTag": "f8ffb6e9-f602-460f-a6c0-00b5abfa24c7",
          "namespace": "example_namespace",
          "bucketName": "my_bucket",
          "bucketId": "ocid1.bucket.oc1.phx.unique_id",
          "archivalState": "Available"
        }
      }
    })");
    e["data"]["resourceName"] = resource_name;
    e["data"]["resourceId"] = "/n/example_namespace/b/my_bucket/o/" + resource_name;
    return e;
}

template <typename T>
bool holds(const ev::ParsedEvent& p) {
    return std::holds_alternative<T>(p);
}

// The reason of an Invalid result, or a marker that makes the caller's check fail.
std::string invalid_reason(const ev::ParsedEvent& p) {
    if (const auto* i = std::get_if<ev::Invalid>(&p)) return i->reason;
    return "(not Invalid)";
}

}  // namespace

TEST_CASE("events: uploaded_event carries every CloudEvents 1.0 attribute") {
    json e = ev::uploaded_event(facts(), "/fotogal/ingest");
    REQUIRE(e.is_object());
    CHECK(e.at("specversion") == "1.0");
    CHECK(e.at("type") == "fotogal.image.uploaded");
    CHECK(e.at("type") == std::string(ev::kUploaded));
    CHECK(e.at("source") == "/fotogal/ingest");
    CHECK(e.at("subject") == kImageId);
    CHECK(e.at("datacontenttype") == "application/json");
    REQUIRE(e.at("id").is_string());
    CHECK_FALSE(e.at("id").get<std::string>().empty());
    REQUIRE(e.at("time").is_string());
    const std::string time = e.at("time");
    // RFC 3339 in UTC: 2026-11-27T17:18:28.123Z
    REQUIRE(time.size() >= 20);
    CHECK(time[4] == '-');
    CHECK(time[7] == '-');
    CHECK(time[10] == 'T');
    CHECK(time[13] == ':');
    CHECK(time[16] == ':');
    CHECK(time.back() == 'Z');
    CHECK(e.dump().size() <= ev::kMaxEventBytes);
}

TEST_CASE("events: uploaded_event data carries the upload facts and never pixels") {
    ev::UploadFacts f = facts();
    json d = ev::uploaded_event(f, "src").at("data");
    CHECK(d.at("image_id") == f.image_id);
    CHECK(d.at("object_key") == f.object_key);
    CHECK(d.at("size") == f.size);
    CHECK(d.at("content_type") == f.content_type);
    CHECK(d.at("sha256") == f.sha256);
    CHECK(d.at("uploaded_at") == f.uploaded_at);
    REQUIRE(d.at("attributes").is_object());
    CHECK(d.at("attributes").at("album") == "holiday");
    CHECK(d.at("attributes").at("owner") == "u1");
    CHECK(d.at("attributes").size() == 2);
}

TEST_CASE("events: two events get different ids") {
    json a = ev::uploaded_event(facts(), "src");
    json b = ev::uploaded_event(facts(), "src");
    CHECK(a.at("id") != b.at("id"));
    json c = ev::envelope(ev::kReprocess, "src", kImageId, json::object());
    CHECK(c.at("id") != a.at("id"));
    CHECK(c.at("id") != b.at("id"));
}

TEST_CASE("events: an uploaded event round-trips through parse_event") {
    json e = ev::uploaded_event(facts(), "src");
    ev::ParsedEvent p = ev::parse_event(e.dump());
    REQUIRE(holds<ev::ImageRequest>(p));
    const auto& r = std::get<ev::ImageRequest>(p);
    CHECK(r.event_id == e.at("id").get<std::string>());
    CHECK(r.type == ev::kUploaded);
    CHECK(r.image_id == kImageId);
    CHECK(r.object_key == facts().object_key);
    CHECK_FALSE(r.force);
    CHECK(r.data == e.at("data"));
}

TEST_CASE("events: a reprocess event with force round-trips through parse_event") {
    json data = {{"image_id", kImageId}, {"object_key", "originals/x"}, {"force", true}};
    json e = ev::envelope(ev::kReprocess, "fotogal-replay", kImageId, data);
    ev::ParsedEvent p = ev::parse_event(e.dump(2));
    REQUIRE(holds<ev::ImageRequest>(p));
    const auto& r = std::get<ev::ImageRequest>(p);
    CHECK(r.type == ev::kReprocess);
    CHECK(r.image_id == kImageId);
    CHECK(r.object_key == "originals/x");
    CHECK(r.force);
    CHECK(r.event_id == e.at("id").get<std::string>());

    SUBCASE("force false or absent means no force") {
        data["force"] = false;
        auto q = ev::parse_event(ev::envelope(ev::kReprocess, "s", kImageId, data).dump());
        REQUIRE(holds<ev::ImageRequest>(q));
        CHECK_FALSE(std::get<ev::ImageRequest>(q).force);
    }
    SUBCASE("a missing object_key defaults to the original's key") {
        data.erase("object_key");
        auto q = ev::parse_event(ev::envelope(ev::kReprocess, "s", kImageId, data).dump());
        REQUIRE(holds<ev::ImageRequest>(q));
        CHECK(std::get<ev::ImageRequest>(q).object_key == std::string("originals/") + kImageId);
    }
}

TEST_CASE("events: malformed or unknown events are Invalid with a reason") {
    json good = ev::uploaded_event(facts(), "src");
    auto with_type = [&](const std::string& type) {
        json e = good;
        e["type"] = type;
        return e.dump();
    };
    auto with_image_id = [&](const json& id) {
        json e = good;
        e["data"]["image_id"] = id;
        return e.dump();
    };
    json no_id = good;
    no_id["data"].erase("image_id");
    json no_data = good;
    no_data.erase("data");

    for (const std::string& value :
         {std::string("{not json"), std::string(""), std::string("[1,2,3]"),
          std::string("\"just a string\""), std::string("{}"), with_type("fotogal.image.bogus"),
          with_type(std::string(ev::kProcessed)), with_type(std::string(ev::kFailed)), no_id.dump(),
          no_data.dump(), with_image_id("../../etc/passwd"),
          with_image_id("018F3A2B-4C5D-7E6F-8A9B-0C1D2E3F4A5B"), with_image_id(42),
          with_image_id("")}) {
        CAPTURE(value);
        ev::ParsedEvent p = ev::parse_event(value);
        CHECK(holds<ev::Invalid>(p));
        CHECK_FALSE(invalid_reason(p).empty());
    }
    CHECK(invalid_reason(ev::parse_event("[1]")).find("object") != std::string::npos);
    CHECK(invalid_reason(ev::parse_event(with_type("x.y"))).find("x.y") != std::string::npos);
}

TEST_CASE("events: an OCI createobject event becomes an ImageRequest with a derived id") {
    json e = oci_event("photos/cat.jpg");
    ev::ParsedEvent p = ev::parse_event(e.dump());
    REQUIRE(holds<ev::ImageRequest>(p));
    const auto& r = std::get<ev::ImageRequest>(p);
    CHECK(r.object_key == "photos/cat.jpg");
    CHECK(r.type == ev::kOciCreateObject);
    CHECK(r.event_id == "unique_ID");
    CHECK_FALSE(r.force);
    CHECK(fotogal::is_valid_image_id(r.image_id));
    CHECK(r.image_id == fotogal::image_id_for_key("photos/cat.jpg"));

    ev::ParsedEvent again = ev::parse_event(e.dump());
    REQUIRE(holds<ev::ImageRequest>(again));
    CHECK(std::get<ev::ImageRequest>(again).image_id == r.image_id);

    ev::ParsedEvent other = ev::parse_event(oci_event("photos/dog.jpg").dump());
    REQUIRE(holds<ev::ImageRequest>(other));
    CHECK(std::get<ev::ImageRequest>(other).image_id != r.image_id);
}

TEST_CASE("events: an OCI event for originals/<id> maps to that image id") {
    ev::ParsedEvent p = ev::parse_event(oci_event(std::string("originals/") + kImageId).dump());
    REQUIRE(holds<ev::ImageRequest>(p));
    CHECK(std::get<ev::ImageRequest>(p).image_id == kImageId);
}

TEST_CASE("events: OCI events about the pipeline's own outputs are Ignored") {
    for (const std::string& key : {std::string("renditions/") + kImageId + "/large.jpg",
                                   std::string("manifests/") + kImageId + ".json"}) {
        CAPTURE(key);
        ev::ParsedEvent p = ev::parse_event(oci_event(key).dump());
        REQUIRE(holds<ev::Ignored>(p));
        CHECK_FALSE(std::get<ev::Ignored>(p).reason.empty());
    }
}

TEST_CASE("events: OCI keys are read case-insensitively") {
    json e = oci_event("photos/cat.jpg");
    json upper = json::object();
    for (auto it = e.begin(); it != e.end(); ++it) {
        std::string k = it.key();
        if (k == "eventType") k = "EVENTTYPE";
        if (k == "data") k = "Data";
        upper[k] = it.value();
    }
    upper["Data"].erase("resourceName");
    upper["Data"]["RESOURCENAME"] = "photos/cat.jpg";
    ev::ParsedEvent p = ev::parse_event(upper.dump());
    REQUIRE(holds<ev::ImageRequest>(p));
    CHECK(std::get<ev::ImageRequest>(p).object_key == "photos/cat.jpg");
    CHECK(std::get<ev::ImageRequest>(p).image_id == fotogal::image_id_for_key("photos/cat.jpg"));
}

TEST_CASE("events: other OCI event types need no work, a createobject without a name is Invalid") {
    json del = oci_event("photos/cat.jpg");
    del["eventType"] = "com.oraclecloud.objectstorage.deleteobject";
    CHECK(holds<ev::Ignored>(ev::parse_event(del.dump())));

    json nameless = oci_event("photos/cat.jpg");
    nameless["data"].erase("resourceName");
    ev::ParsedEvent p = ev::parse_event(nameless.dump());
    CHECK(holds<ev::Invalid>(p));
    CHECK_FALSE(invalid_reason(p).empty());
}

TEST_CASE("events: a value over 64 KiB is Invalid, one just under is accepted") {
    json e = ev::uploaded_event(facts(), "src");
    const std::size_t base = e.dump().size();
    REQUIRE(base < ev::kMaxEventBytes);

    json under = e;
    under["data"]["attributes"]["pad"] = std::string(ev::kMaxEventBytes - base - 64, 'x');
    REQUIRE(under.dump().size() <= ev::kMaxEventBytes);
    CHECK(holds<ev::ImageRequest>(ev::parse_event(under.dump())));

    json over = e;
    over["data"]["attributes"]["pad"] = std::string(ev::kMaxEventBytes, 'x');
    REQUIRE(over.dump().size() > ev::kMaxEventBytes);
    ev::ParsedEvent p = ev::parse_event(over.dump());
    REQUIRE(holds<ev::Invalid>(p));
    CHECK(invalid_reason(p).find("limit") != std::string::npos);
}
