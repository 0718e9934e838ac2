#include "common/image_visibility.hpp"

namespace fotogal {

using nlohmann::json;

std::string upload_visibility(const std::optional<std::string>& owner, const json& attributes) {
    if (!owner) return std::string(kVisibilityPublic);
    if (attributes.is_object()) {
        auto it = attributes.find("visibility");
        if (it != attributes.end() && it->is_string() && *it == kVisibilityPublic)
            return std::string(kVisibilityPublic);
    }
    return std::string(kVisibilityPrivate);
}

std::optional<std::string> recorded_owner(const json& record) {
    if (!record.is_object()) return std::nullopt;
    auto it = record.find("owner");
    if (it == record.end() || !it->is_string() || it->get_ref<const std::string&>().empty())
        return std::nullopt;
    return it->get<std::string>();
}

std::string recorded_visibility(const json& record) {
    if (!record.is_object()) return std::string(kVisibilityPrivate);
    auto it = record.find("visibility");
    if (it == record.end()) {
        // Written before ownership existed, or by a worker that did not know of it: an owner
        // recorded without a visibility keeps the image to its owner.
        return record.contains("owner") ? std::string(kVisibilityPrivate)
                                        : std::string(kVisibilityPublic);
    }
    if (it->is_string() && *it == kVisibilityPublic) return std::string(kVisibilityPublic);
    return std::string(kVisibilityPrivate);
}

}  // namespace fotogal
