// Kafka message values as a worker receives them (common/events/image_events): CloudEvents
// 1.0 from ingest and replay, OCI Object Storage events, S3 event notifications
// (common/events/s3_bucket_event, one result per record). parse_events and parse_event must
// classify every input as requests, ignored or invalid — never throw, never return nothing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"

namespace ev = fotogal::events;

namespace {

void check(const ev::ParsedEvent& parsed) {
    if (const auto* request = std::get_if<ev::ImageRequest>(&parsed)) {
        // A request always names an image and an object to read.
        if (!fotogal::is_valid_image_id(request->image_id) || request->object_key.empty())
            std::abort();
    } else if (const auto* invalid = std::get_if<ev::Invalid>(&parsed)) {
        if (invalid->reason.empty()) std::abort();  // the dead-letter record needs a reason
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view value(reinterpret_cast<const char*>(data), size);
    auto all = ev::parse_events(value);
    if (all.empty()) std::abort();  // a message always has an outcome
    for (const auto& parsed : all) check(parsed);
    check(ev::parse_event(value));
    return 0;
}
