#include "common/storage/oci_store.hpp"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/storage/signing_crypto.hpp"
#include "common/storage/storage_url.hpp"

namespace fotogal::storage {

namespace {

ServiceFailure parse_oci_failure(const HttpResponse& r) {
    ServiceFailure f;
    f.request_id = r.header("opc-request-id");
    auto json = nlohmann::json::parse(r.body.begin(), r.body.end(), nullptr, false);
    if (json.is_object()) {
        f.code = json.value("code", "");
        f.message = json.value("message", "");
    }
    return f;
}

Payload json_payload(const std::string& text) {
    return Payload::of(crypto::as_bytes(text));
}

}  // namespace

OciStore::OciStore(OciStoreOptions options, std::shared_ptr<OciCredentialSource> credentials)
    : NetworkStore(options.sizes),
      options_(std::move(options)),
      host_(host_of(options_.endpoint)),
      credentials_(std::move(credentials)),
      http_(options_.http),
      caller_(describe(), options_.retry, parse_oci_failure) {}

std::string OciStore::describe() const {
    return "oci://" + options_.ns + "/" + options_.bucket +
           (options_.prefix.empty() ? ""
                                    : "/" + options_.prefix.substr(0, options_.prefix.size() - 1)) +
           " (" + options_.endpoint + ")";
}

std::string OciStore::object_path(const std::string& key, char kind) const {
    return "/n/" + uri_encode(options_.ns, false) + "/b/" + uri_encode(options_.bucket, false) +
           "/" + kind + "/" + uri_encode(options_.prefix + key, false);
}

HttpResponse OciStore::send(const Call& c) {
    OciRequestParts parts;
    parts.method = c.method;
    parts.path_query = c.path_query;
    parts.host = host_;
    parts.date = http_date_now();
    parts.has_body = c.method == "PUT" || c.method == "POST";
    parts.object_body = c.object_body;
    Payload empty;
    const Payload& body = c.body ? *c.body : empty;
    if (parts.has_body) {
        parts.content_type = c.content_type.empty() ? "application/octet-stream" : c.content_type;
        parts.content_length = body.size();
        if (!c.object_body) parts.content_sha256 = crypto::base64(body.sha256());
    }
    HttpRequest request;
    request.method = c.method;
    request.url = options_.endpoint + c.path_query;
    // Held for the whole request, so a token refresh meanwhile cannot change the key it
    // was signed with.
    SigningIdentity identity = credentials_->identity();
    request.headers = OciSigner(identity.key_id, identity.key).sign(parts);
    request.headers.insert(request.headers.end(), c.extra.begin(), c.extra.end());
    body.attach(request);
    HttpResponse response = http_.perform(request, c.sink);
    if (response.status == 401) credentials_->rejected(identity);
    return response;
}

std::string OciStore::create_par(const std::string& key, const char* access_type,
                                 std::chrono::seconds ttl) {
    auto expires = std::chrono::system_clock::now() + std::max(ttl, std::chrono::seconds(1));
    std::string text = nlohmann::json{
        {"name", std::string("fotogal-") + access_type},
        {"accessType", access_type},
        {"objectName", options_.prefix + key},
        {"timeExpires",
         rfc3339(expires)}}.dump();
    Payload body = json_payload(text);
    Call c{
        "POST",
        "/n/" + uri_encode(options_.ns, false) + "/b/" + uri_encode(options_.bucket, false) + "/p/",
        &body, "application/json", false};
    auto r = caller_.call("create pre-authenticated request for", key, [&] { return send(c); });
    auto json = nlohmann::json::parse(r.body.begin(), r.body.end(), nullptr, false);
    auto uri = json.is_object() ? json.find("accessUri") : json.end();
    if (uri == json.end() || !uri->is_string() ||
        !uri->get_ref<const std::string&>().starts_with("/"))
        throw StorageError(describe() + ": create pre-authenticated request for '" + key +
                               "': answer has no accessUri",
                           false);
    return options_.endpoint + uri->get<std::string>();
}

std::optional<std::string> OciStore::presigned_get_url(const std::string& key,
                                                       std::chrono::seconds ttl) {
    return create_par(key, "ObjectRead", ttl);
}

std::optional<std::string> OciStore::presigned_put_url(const std::string& key,
                                                       std::chrono::seconds ttl,
                                                       const std::string&) {
    return create_par(key, "ObjectWrite", ttl);
}

std::optional<DirectUpload> OciStore::presigned_upload(const std::string& key,
                                                       std::chrono::seconds ttl,
                                                       const UploadConditions& conditions) {
    return DirectUpload{create_par(key, "ObjectWrite", ttl),
                        {{"Content-Type", conditions.content_type}}};
}

bool OciStore::put_single(const std::string& key, const Payload& body,
                          const std::string& content_type, bool if_absent) {
    Call c{"PUT", object_path(key), &body, content_type, true};
    if (if_absent) c.extra.push_back({"if-none-match", "*"});
    auto r = caller_.call(if_absent ? "put if absent" : "put", key, [&] { return send(c); }, {412});
    return r.status != 412;
}

std::string OciStore::multipart_begin(const std::string& key, const std::string& content_type) {
    std::string text =
        nlohmann::json{{"object", options_.prefix + key}, {"contentType", content_type}}.dump();
    Payload body = json_payload(text);
    Call c{
        "POST",
        "/n/" + uri_encode(options_.ns, false) + "/b/" + uri_encode(options_.bucket, false) + "/u",
        &body, "application/json", false};
    auto r = caller_.call("create multipart upload", key, [&] { return send(c); });
    auto json = nlohmann::json::parse(r.body.begin(), r.body.end(), nullptr, false);
    if (!json.is_object() || !json.contains("uploadId") || !json["uploadId"].is_string())
        throw StorageError(
            describe() + ": create multipart upload '" + key + "': answer has no uploadId", false);
    return json["uploadId"].get<std::string>();
}

std::string OciStore::multipart_part(const std::string& key, const std::string& upload_id,
                                     int part_number, const Payload& part) {
    Call c{"PUT",
           object_path(key, 'u') + "?uploadId=" + uri_encode(upload_id, false) +
               "&uploadPartNum=" + std::to_string(part_number),
           &part, "application/octet-stream", true};
    auto r = caller_.call("upload part " + std::to_string(part_number) + " of", key,
                          [&] { return send(c); });
    std::string etag = r.header("etag");
    if (etag.empty())
        throw StorageError(describe() + ": upload part of '" + key + "': answer has no etag",
                           false);
    return etag;
}

void OciStore::multipart_commit(const std::string& key, const std::string& upload_id,
                                const std::vector<std::string>& etags) {
    nlohmann::json parts = nlohmann::json::array();
    for (std::size_t i = 0; i < etags.size(); ++i)
        parts.push_back({{"partNum", static_cast<int>(i + 1)}, {"etag", etags[i]}});
    std::string text = nlohmann::json{{"partsToCommit", parts}}.dump();
    Payload body = json_payload(text);
    Call c{"POST", object_path(key, 'u') + "?uploadId=" + uri_encode(upload_id, false), &body,
           "application/json", false};
    caller_.call("commit multipart upload", key, [&] { return send(c); });
}

void OciStore::multipart_abort(const std::string& key, const std::string& upload_id) {
    Call c{"DELETE", object_path(key, 'u') + "?uploadId=" + uri_encode(upload_id, false)};
    caller_.call("abort multipart upload", key, [&] { return send(c); }, {404});
}

HttpResponse OciStore::object_request(const std::string& method, const std::string& key,
                                      const BodySink* sink) {
    Call c{method, object_path(key)};
    c.sink = sink;
    return send(c);
}

ListPage OciStore::list(const std::string& prefix, const std::string& start_after,
                        std::size_t limit) {
    ListPage page;
    if (limit == 0) return page;
    // OCI's `start` is inclusive; the interface's `start_after` is not, so the first name is
    // dropped when it is the one we started after.
    std::string start = start_after.empty() ? "" : options_.prefix + start_after;
    bool skip_start = !start_after.empty();
    bool more = true, overflow = false;
    while (page.objects.size() < limit) {
        std::size_t want = std::min<std::size_t>(1000, limit - page.objects.size() + skip_start);
        std::string path = "/n/" + uri_encode(options_.ns, false) + "/b/" +
                           uri_encode(options_.bucket, false) +
                           "/o?prefix=" + uri_encode(options_.prefix + prefix, false) +
                           "&limit=" + std::to_string(want) + "&fields=name%2Csize";
        if (!start.empty()) path += "&start=" + uri_encode(start, false);
        Call c{"GET", path};
        auto r = caller_.call("list", prefix, [&] { return send(c); });
        auto json = nlohmann::json::parse(r.body.begin(), r.body.end(), nullptr, false);
        auto objects = json.is_object() ? json.find("objects") : json.end();
        if (objects == json.end() || !objects->is_array())
            throw StorageError(describe() + ": list '" + prefix + "': answer is not a listing",
                               false);
        for (const auto& o : *objects) {
            if (!o.is_object()) continue;
            std::string name = o.value("name", "");
            if (skip_start && name == start) continue;
            if (!name.starts_with(options_.prefix)) continue;
            if (page.objects.size() >= limit) {
                overflow = true;
                continue;
            }
            page.objects.push_back({name.substr(options_.prefix.size()), o.value("size", 0ull)});
        }
        skip_start = false;
        auto next = json.find("nextStartWith");
        if (next == json.end() || !next->is_string() || next->get<std::string>().empty()) {
            more = false;
            break;
        }
        start = next->get<std::string>();
    }
    if ((more || overflow) && !page.objects.empty())
        page.next_start_after = page.objects.back().key;
    return page;
}

}  // namespace fotogal::storage
