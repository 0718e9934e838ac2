#include "ingest/rendition_access.hpp"

#include "common/digest.hpp"
#include "common/image_visibility.hpp"

namespace fotogal::ingest {

using nlohmann::json;

namespace {

constexpr const char* kPublicCache = "public, max-age=31536000, immutable";
// A shared cache must never hand an owner's image to someone else.
constexpr const char* kPrivateCache = "private, max-age=31536000, immutable";

std::string text(const json& object, const char* field) {
    auto it = object.find(field);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool is_hex64(const std::string& s) {
    return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

// 32 hex digits naming the output's content: its SHA-256 when the manifest records it
// (every manifest written since serving exists), otherwise derived from what determines the
// bytes: the recipe fingerprint, the key and the size.
std::string content_identity(const json& manifest, const json& output) {
    std::string sha = text(output, "sha256");
    if (is_hex64(sha)) return sha.substr(0, 32);
    std::string size = output.contains("bytes") ? output.at("bytes").dump() : "";
    return sha256_hex(text(manifest, "recipe_fingerprint") + "\n" + text(output, "key") + "\n" +
                      size)
        .substr(0, 32);
}

// Moderation held the image for review (manifest "held": true, docs/processing.md).
bool held(const json& manifest) {
    auto it = manifest.find("held");
    return it != manifest.end() && it->is_boolean() && it->get<bool>();
}

// Publicly cacheable: public and not held.
bool shared_cache_allowed(const json& manifest) {
    return recorded_visibility(manifest) == kVisibilityPublic && !held(manifest);
}

const json* find_output(const json& outputs, std::string_view name) {
    for (const auto& o : outputs)
        if (o.is_object() && text(o, "name") == name) return &o;
    return nullptr;
}

std::string output_names(const json& outputs) {
    std::string names;
    for (const auto& o : outputs)
        if (o.is_object() && !text(o, "name").empty())
            names += (names.empty() ? "" : ", ") + text(o, "name");
    return names;
}

}  // namespace

std::string media_type_for_format(std::string_view format) {
    if (format == "jpeg" || format == "jpg") return "image/jpeg";
    if (format == "webp") return "image/webp";
    if (format == "png") return "image/png";
    if (format == "avif") return "image/avif";
    if (format == "gif") return "image/gif";
    if (format == "heic" || format == "heif") return "image/heif";
    if (format == "jxl") return "image/jxl";
    if (format == "tiff") return "image/tiff";
    return "application/octet-stream";
}

std::optional<ApiError> image_access(const json& manifest, std::string_view principal) {
    auto owner = recorded_owner(manifest);
    if (owner && !principal.empty() && *owner == principal) return std::nullopt;
    if (held(manifest))
        return ApiError{403, "held_for_review",
                        "this image is held for review by moderation; only its owner can see "
                        "it until it is released"};
    if (recorded_visibility(manifest) == kVisibilityPublic) return std::nullopt;
    if (principal.empty())
        return ApiError{403, "forbidden",
                        "this image is private; send its owner's credentials to read it"};
    return ApiError{403, "forbidden",
                    "this image is private to the account that uploaded it; ask its owner to "
                    "upload it with visibility=public to share it"};
}

RenditionAccess rendition_access(const std::optional<json>& manifest, std::string_view image_id,
                                 std::string_view name, std::string_view principal) {
    std::string id(image_id);
    if (!manifest)
        return ApiError{404, "not_found",
                        "no processed image with id " + id +
                            " (unknown, or still being processed: GET /v1/images/" + id +
                            " says which)"};
    if (!manifest->is_object() || !manifest->contains("outputs") ||
        !manifest->at("outputs").is_array())
        return ApiError{500, "internal", "internal error"};
    if (auto denied = image_access(*manifest, principal)) return *denied;
    if (text(*manifest, "status") != "processed")
        return ApiError{404, "image_failed",
                        "image " + id +
                            " could not be processed, so it has no renditions; GET /v1/images/" +
                            id + " gives the reason"};
    const json& outputs = manifest->at("outputs");
    const json* output = find_output(outputs, name);
    if (!output && name == "thumbnail") output = find_output(outputs, "thumb");
    if (!output && name == "thumb") output = find_output(outputs, "thumbnail");
    if (!output)
        return ApiError{404, "rendition_not_found",
                        "image " + id + " has no rendition '" + std::string(name) +
                            "'; it has: " + output_names(outputs)};
    std::string key = text(*output, "key");
    if (key.empty()) return ApiError{500, "internal", "internal error"};
    RenditionRef ref;
    ref.key = key;
    std::string format = text(*output, "format");
    ref.content_type = media_type_for_format(format);
    if (ref.content_type == "application/octet-stream" && !text(*output, "media_type").empty())
        ref.content_type = text(*output, "media_type");
    ref.etag = "\"" + content_identity(*manifest, *output) + "\"";
    ref.cache_control = shared_cache_allowed(*manifest) ? kPublicCache : kPrivateCache;
    if (auto bytes = output->find("bytes");
        bytes != output->end() && bytes->is_number_integer() && bytes->get<std::int64_t>() >= 0)
        ref.size = bytes->get<std::uint64_t>();
    return ref;
}

void prepare_status_json(json& manifest, std::string_view principal, std::string_view url_prefix) {
    if (!manifest.is_object()) return;
    auto owner = recorded_owner(manifest);
    if (owner && *owner != principal) manifest.erase("owner");
    auto outputs = manifest.find("outputs");
    if (outputs == manifest.end() || !outputs->is_array()) return;
    std::string id = text(manifest, "image_id");
    for (auto& o : *outputs) {
        if (!o.is_object() || text(o, "name").empty()) continue;
        o["url"] = std::string(url_prefix) + "/v1/images/" + id + "/renditions/" + text(o, "name") +
                   "?v=" + content_identity(manifest, o).substr(0, 16);
    }
}

}  // namespace fotogal::ingest
