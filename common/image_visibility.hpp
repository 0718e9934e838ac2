// Who may read an image's renditions: its owner (the authenticated principal that uploaded
// it), or anyone when it is public. The upload asks for public with the attribute
// `visibility=public`; an upload without an owner (FOTOGAL_AUTH=none) is public, as every
// image was before ownership existed. Recorded in manifests and result events.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace fotogal {

inline constexpr std::string_view kVisibilityPublic = "public";
inline constexpr std::string_view kVisibilityPrivate = "private";

// The visibility an upload asked for, from its owner and its attributes (a JSON object of
// strings, as the upload event carries them).
std::string upload_visibility(const std::optional<std::string>& owner,
                              const nlohmann::json& attributes);

// The owner a manifest (or a result event's data) records; nullopt for anonymous images.
std::optional<std::string> recorded_owner(const nlohmann::json& record);

// The visibility a manifest (or a result event's data) records. Records from before
// ownership existed have neither field and were anonymous uploads: public. A field of the
// wrong type or an unknown value reads as private: never open an image up by mistake.
std::string recorded_visibility(const nlohmann::json& record);

}  // namespace fotogal
