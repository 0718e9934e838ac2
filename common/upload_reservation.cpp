#include "common/upload_reservation.hpp"

namespace fotogal {

using nlohmann::json;

json reservation_json(const UploadReservation& r) {
    json out = {{"image_id", r.image_id},
                {"visibility", r.visibility},
                {"content_type", r.content_type},
                {"max_bytes", r.max_bytes},
                {"expires_at", r.expires_at}};
    if (r.owner) out["owner"] = *r.owner;
    return out;
}

namespace {

const std::string* string_field(const json& object, const char* name) {
    auto it = object.find(name);
    if (it == object.end() || !it->is_string()) return nullptr;
    return &it->get_ref<const std::string&>();
}

}  // namespace

std::optional<UploadReservation> parse_reservation(std::string_view text) {
    json object = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) return std::nullopt;
    UploadReservation r;
    const std::string* id = string_field(object, "image_id");
    const std::string* visibility = string_field(object, "visibility");
    const std::string* content_type = string_field(object, "content_type");
    const std::string* expires_at = string_field(object, "expires_at");
    auto max_bytes = object.find("max_bytes");
    if (!id || id->empty() || !visibility || !content_type || !expires_at ||
        max_bytes == object.end() || !max_bytes->is_number_unsigned())
        return std::nullopt;
    if (object.contains("owner")) {
        const std::string* owner = string_field(object, "owner");
        if (!owner || owner->empty()) return std::nullopt;
        r.owner = *owner;
    }
    r.image_id = *id;
    r.visibility = *visibility;
    r.content_type = *content_type;
    r.max_bytes = max_bytes->get<std::uint64_t>();
    r.expires_at = *expires_at;
    return r;
}

}  // namespace fotogal
