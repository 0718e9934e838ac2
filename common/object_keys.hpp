// The bucket layout (DESIGN.md §3): where originals, renditions and manifests live, and the
// reservations ingest writes for uploads that go straight into the bucket (docs/uploads.md).
#pragma once

#include <string>
#include <string_view>

namespace fotogal::keys {

inline constexpr std::string_view kOriginalsPrefix = "originals/";
inline constexpr std::string_view kRenditionsPrefix = "renditions/";
inline constexpr std::string_view kManifestsPrefix = "manifests/";
inline constexpr std::string_view kReservationsPrefix = "reservations/";

inline std::string original(std::string_view image_id) {
    return std::string(kOriginalsPrefix) + std::string(image_id);
}
inline std::string rendition(std::string_view image_id, std::string_view name,
                             std::string_view ext) {
    return std::string(kRenditionsPrefix) + std::string(image_id) + "/" + std::string(name) + "." +
           std::string(ext);
}
inline std::string manifest(std::string_view image_id) {
    return std::string(kManifestsPrefix) + std::string(image_id) + ".json";
}
// Who owns an upload URL's image, written by POST /v1/uploads before the URL is handed out.
inline std::string reservation(std::string_view image_id) {
    return std::string(kReservationsPrefix) + std::string(image_id) + ".json";
}
// Objects the pipeline itself writes (ingest's reservations included); bucket events about
// them must not be processed.
inline bool is_pipeline_output(std::string_view key) {
    return key.starts_with(kRenditionsPrefix) || key.starts_with(kManifestsPrefix) ||
           key.starts_with(kReservationsPrefix);
}

}  // namespace fotogal::keys
