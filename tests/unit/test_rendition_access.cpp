// ingest/rendition_access: which rendition a request gets, with what Content-Type, ETag and
// Cache-Control, and the 403/404 a user can act on; the versioned URLs of the status JSON.
#include <doctest/doctest.h>

#include "common/digest.hpp"
#include "ingest/rendition_access.hpp"

using namespace fotogal;
using namespace fotogal::ingest;
using nlohmann::json;

namespace {

constexpr const char* kId = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";
const std::string kSha = sha256_hex(std::string_view("the thumb's bytes"));

// A manifest as the worker writes it (workers/pipeline/manifest.cpp + ownership).
json manifest(const std::string& owner, const std::string& visibility) {
    json m = {{"image_id", kId},
              {"status", "processed"},
              {"recipe_fingerprint", "f00d"},
              {"visibility", visibility},
              {"outputs",
               {{{"name", "large"},
                 {"key", std::string("renditions/") + kId + "/large.jpg"},
                 {"format", "jpeg"},
                 {"media_type", "image/jpeg"},
                 {"width", 2048},
                 {"height", 1536},
                 {"bytes", 1000},
                 {"sha256", sha256_hex(std::string_view("large"))}},
                {{"name", "thumb"},
                 {"key", std::string("renditions/") + kId + "/thumb.webp"},
                 {"format", "webp"},
                 {"width", 256},
                 {"height", 256},
                 {"bytes", 17},
                 {"sha256", kSha}}}}};
    if (!owner.empty()) m["owner"] = owner;
    return m;
}

RenditionRef granted(const RenditionAccess& a) {
    REQUIRE_MESSAGE(std::holds_alternative<RenditionRef>(a),
                    (std::holds_alternative<ApiError>(a) ? std::get<ApiError>(a).message : ""));
    return std::get<RenditionRef>(a);
}

ApiError refused(const RenditionAccess& a) {
    REQUIRE(std::holds_alternative<ApiError>(a));
    return std::get<ApiError>(a);
}

}  // namespace

TEST_CASE("rendition access: a public image's rendition for anyone, cacheable by all") {
    json m = manifest("user-1", "public");
    for (const char* who : {"", "user-1", "user-2"}) {
        RenditionRef r = granted(rendition_access(m, kId, "thumb", who));
        CHECK(r.key == std::string("renditions/") + kId + "/thumb.webp");
        CHECK(r.content_type == "image/webp");
        CHECK(r.etag == "\"" + kSha.substr(0, 32) + "\"");
        CHECK(r.cache_control == "public, max-age=31536000, immutable");
        CHECK(r.size == std::optional<std::uint64_t>(17));
    }
    CHECK(granted(rendition_access(m, kId, "large", "")).content_type == "image/jpeg");
}

TEST_CASE("rendition access: thumbnail and thumb name the same output") {
    json m = manifest("", "public");
    CHECK(granted(rendition_access(m, kId, "thumbnail", "")).key ==
          granted(rendition_access(m, kId, "thumb", "")).key);
}

TEST_CASE("rendition access: a private image is its owner's only, and privately cached") {
    json m = manifest("user-1", "private");
    RenditionRef r = granted(rendition_access(m, kId, "large", "user-1"));
    CHECK(r.cache_control == "private, max-age=31536000, immutable");
    ApiError other = refused(rendition_access(m, kId, "large", "user-2"));
    CHECK(other.status == 403);
    CHECK(other.code == "forbidden");
    CHECK(other.message.find("visibility=public") != std::string::npos);
    ApiError anonymous = refused(rendition_access(m, kId, "large", ""));
    CHECK(anonymous.status == 403);
    CHECK(anonymous.message.find("credentials") != std::string::npos);
    // A non-owner learns nothing about which renditions exist.
    CHECK(refused(rendition_access(m, kId, "no-such", "user-2")).status == 403);
    CHECK(image_access(m, "user-1") == std::nullopt);
    CHECK(image_access(m, "user-2")->status == 403);
}

TEST_CASE("rendition access: a manifest from before ownership is public") {
    json m = manifest("", "public");
    m.erase("visibility");
    CHECK(granted(rendition_access(m, kId, "large", "")).cache_control.starts_with("public"));
    json owned_no_field = manifest("user-1", "public");
    owned_no_field.erase("visibility");
    CHECK(refused(rendition_access(owned_no_field, kId, "large", "user-2")).status == 403);
}

TEST_CASE("rendition access: 404s that say what to do") {
    ApiError none = refused(rendition_access(std::nullopt, kId, "large", ""));
    CHECK(none.status == 404);
    CHECK(none.code == "not_found");
    CHECK(none.message.find(std::string("GET /v1/images/") + kId) != std::string::npos);

    ApiError unknown = refused(rendition_access(manifest("", "public"), kId, "huge", ""));
    CHECK(unknown.status == 404);
    CHECK(unknown.code == "rendition_not_found");
    CHECK(unknown.message.find("large, thumb") != std::string::npos);

    json failed = manifest("", "public");
    failed["status"] = "failed";
    failed["outputs"] = json::array();
    ApiError f = refused(rendition_access(failed, kId, "large", ""));
    CHECK(f.status == 404);
    CHECK(f.code == "image_failed");

    ApiError broken = refused(rendition_access(json("not a manifest"), kId, "large", ""));
    CHECK(broken.status == 500);
    CHECK(broken.message == "internal error");
}

TEST_CASE("rendition access: without a recorded sha256 the ETag derives from the recipe") {
    json m = manifest("", "public");
    m["outputs"][0].erase("sha256");
    std::string etag = granted(rendition_access(m, kId, "large", "")).etag;
    CHECK(etag.size() == 34);
    CHECK(etag.front() == '"');
    m["recipe_fingerprint"] = "another-recipe";
    CHECK(granted(rendition_access(m, kId, "large", "")).etag != etag);
    m["outputs"][0]["bytes"] = 1001;
    CHECK(granted(rendition_access(m, kId, "large", "")).etag != etag);
}

TEST_CASE("rendition access: a reprocess that changes the bytes changes ETag and status URL") {
    json before = manifest("", "public");
    json after = before;
    after["outputs"][1]["sha256"] = sha256_hex(std::string_view("new bytes"));
    RenditionRef a = granted(rendition_access(before, kId, "thumb", ""));
    RenditionRef b = granted(rendition_access(after, kId, "thumb", ""));
    CHECK(a.key == b.key);
    CHECK(a.etag != b.etag);
    prepare_status_json(before, "");
    prepare_status_json(after, "");
    std::string url_before = before["outputs"][1]["url"];
    std::string url_after = after["outputs"][1]["url"];
    CHECK(url_before ==
          std::string("/v1/images/") + kId + "/renditions/thumb?v=" + kSha.substr(0, 16));
    CHECK(url_after != url_before);
}

TEST_CASE("status JSON: absolute URLs with a prefix; the owner shown to the owner only") {
    json m = manifest("user-1", "public");
    prepare_status_json(m, "user-2", "https://photos.example.com");
    CHECK(m["outputs"][0]["url"].get<std::string>().starts_with(
        std::string("https://photos.example.com/v1/images/") + kId + "/renditions/large?v="));
    CHECK_FALSE(m.contains("owner"));
    json mine = manifest("user-1", "public");
    prepare_status_json(mine, "user-1");
    CHECK(mine.at("owner") == "user-1");
}

TEST_CASE("rendition access: Content-Type from the output's format") {
    CHECK(media_type_for_format("jpeg") == "image/jpeg");
    CHECK(media_type_for_format("webp") == "image/webp");
    CHECK(media_type_for_format("png") == "image/png");
    CHECK(media_type_for_format("avif") == "image/avif");
    CHECK(media_type_for_format("bmp?") == "application/octet-stream");
}

TEST_CASE("rendition access: an image held by moderation is its owner's only, even public") {
    json m = manifest("user-1", "public");
    m["held"] = true;
    RenditionRef r = granted(rendition_access(m, kId, "large", "user-1"));
    CHECK(r.cache_control.starts_with("private"));  // no shared cache keeps a held image
    ApiError other = refused(rendition_access(m, kId, "large", "user-2"));
    CHECK(other.status == 403);
    CHECK(other.code == "held_for_review");
    CHECK(refused(rendition_access(m, kId, "large", "")).code == "held_for_review");
    CHECK(image_access(m, "user-2")->code == "held_for_review");
    m["held"] = false;
    CHECK(granted(rendition_access(m, kId, "large", "")).cache_control.starts_with("public"));
}
