// Who may fetch which rendition, decided from the image's manifest alone: where the bytes
// are, how they are labelled (Content-Type), their strong ETag and how long caches may keep
// them. Pure: the route reads the manifest, calls this, then streams the object.
//
// How a reprocess shows to clients: rendition keys never change (renditions/{id}/{name}.{ext}
// is rewritten in place), but the ETag is the rendition's content hash, so it changes when
// a new recipe makes different bytes. Responses are `immutable` for a year, so a client
// must not keep using a bare URL it cached: the status JSON (GET /v1/images/{id}) gives each
// output a versioned `url`, …/renditions/{name}?v=<first 16 hex of the content hash>. After
// a reprocess the status JSON names a new URL; an old cached copy is simply never asked for
// again, and never stale under its own URL. The server ignores `v` when serving.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "ingest/upload_validation.hpp"

namespace fotogal::ingest {

struct RenditionRef {
    std::string key;                    // object key in the store
    std::string content_type;           // from the output's format
    std::string etag;                   // strong, quoted: "\"<32 hex>\""
    std::string cache_control;          // public or private, max-age one year, immutable
    std::optional<std::uint64_t> size;  // from the manifest, when it records it
};

using RenditionAccess = std::variant<RenditionRef, ApiError>;

// `manifest`: the image's stored manifest (nullopt when there is none: unknown, or not
// processed yet). `name`: the rendition name from the URL (the manifest's output names;
// `thumbnail` also finds `thumb` and the other way round). `principal`: the authenticated
// principal id, "" for anonymous requests (FOTOGAL_AUTH=none). Errors: 404 (no manifest,
// failed image, unknown rendition), 403 (a private image asked for by anyone but its owner),
// 500 (a manifest that is not one), each with a JSON error code and a message to act on.
RenditionAccess rendition_access(const std::optional<nlohmann::json>& manifest,
                                 std::string_view image_id, std::string_view name,
                                 std::string_view principal);

// Whether `principal` may see the image at all (its status JSON included): nullopt when it
// may, else the 403 to answer. Public images: anyone; private ones and those moderation
// holds for review (manifest "held": true): their owner only.
std::optional<ApiError> image_access(const nlohmann::json& manifest, std::string_view principal);

// The manifest as GET /v1/images/{id} serves it: every output gets
// `url` = {url_prefix}/v1/images/{id}/renditions/{name}?v={version} (url_prefix: "" for a
// relative URL, or e.g. "https://photos.example.com"); and the owner's principal id is left
// out for anyone but the owner (it can be an e-mail address).
void prepare_status_json(nlohmann::json& manifest, std::string_view principal,
                         std::string_view url_prefix = "");

// "image/jpeg" for "jpeg", …; application/octet-stream for a format it does not know.
std::string media_type_for_format(std::string_view format);

}  // namespace fotogal::ingest
