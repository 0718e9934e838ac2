// Kafka message values as a worker receives them (common/events/image_events): CloudEvents
// 1.0 from ingest and replay, OCI Object Storage events. parse_event must classify every
// input as a request, ignored or invalid — never throw.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <variant>

#include "common/events/image_events.hpp"
#include "common/image_id.hpp"

namespace ev = fotogal::events;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view value(reinterpret_cast<const char*>(data), size);
    ev::ParsedEvent parsed = ev::parse_event(value);
    if (const auto* request = std::get_if<ev::ImageRequest>(&parsed)) {
        // A request always names an image and an object to read.
        if (!fotogal::is_valid_image_id(request->image_id) || request->object_key.empty())
            std::abort();
    } else if (const auto* invalid = std::get_if<ev::Invalid>(&parsed)) {
        if (invalid->reason.empty()) std::abort();  // the dead-letter record needs a reason
    }
    return 0;
}
