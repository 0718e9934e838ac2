#include "common/storage/s3_store.hpp"

#include <algorithm>
#include <ctime>
#include <fstream>

#include "common/storage/signing_crypto.hpp"
#include "common/storage/storage_url.hpp"
#include "common/storage/xml_fields.hpp"

namespace fotogal::storage {

namespace {

ServiceFailure parse_s3_failure(const HttpResponse& r) {
    std::string body = r.text();
    ServiceFailure f{xml::first(body, "Code"), xml::first(body, "Message"),
                     r.header("x-amz-request-id")};
    if (f.request_id.empty()) f.request_id = xml::first(body, "RequestId");
    return f;
}

// SHA-256 of the empty payload, sent by every request without a body.
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace

S3Store::S3Store(S3StoreOptions options, AwsCredentials credentials)
    : NetworkStore(options.sizes),
      options_(std::move(options)),
      host_(host_of(options_.endpoint)),
      signer_(std::move(credentials), options_.region),
      http_(options_.http),
      caller_(describe(), options_.retry, parse_s3_failure) {}

std::string S3Store::describe() const {
    return "s3://" + options_.bucket +
           (options_.prefix.empty() ? ""
                                    : "/" + options_.prefix.substr(0, options_.prefix.size() - 1)) +
           " (" + options_.endpoint + ", region " + options_.region + ")";
}

HttpResponse S3Store::send(const Call& c) {
    SigV4Request s;
    s.method = c.method;
    s.canonical_uri = c.key.empty() ? "/" + uri_encode(options_.bucket, false) : object_uri(c.key);
    s.query = c.query;
    s.host = host_;
    s.payload_sha256_hex = c.body ? crypto::hex(c.body->sha256()) : kEmptySha256;
    s.extra_headers = c.extra;
    HttpRequest request;
    request.method = c.method;
    std::string query = SigV4Signer::canonical_query(c.query);
    request.url = options_.endpoint + s.canonical_uri + (query.empty() ? "" : "?" + query);
    request.headers = signer_.sign(s, std::time(nullptr));
    if (c.body) c.body->attach(request);
    return http_.perform(request, c.sink);
}

std::string S3Store::object_uri(const std::string& key) const {
    return "/" + uri_encode(options_.bucket, false) + "/" + uri_encode(options_.prefix + key, true);
}

// S3 refuses presigned URLs valid for more than 7 days.
constexpr std::chrono::seconds kMaxPresignTtl{7 * 24 * 3600};

std::string S3Store::presign(const std::string& method, const std::string& key,
                             std::chrono::seconds ttl, HeaderList signed_headers) const {
    SigV4Request r;
    r.method = method;
    r.canonical_uri = object_uri(key);
    r.host = host_;
    r.extra_headers = std::move(signed_headers);
    auto expires = std::clamp(ttl, std::chrono::seconds(1), kMaxPresignTtl);
    return options_.endpoint + r.canonical_uri + "?" +
           signer_.presign(r, std::time(nullptr), expires);
}

std::optional<std::string> S3Store::presigned_get_url(const std::string& key,
                                                      std::chrono::seconds ttl) {
    return presign("GET", key, ttl, {});
}

std::optional<std::string> S3Store::presigned_put_url(const std::string& key,
                                                      std::chrono::seconds ttl,
                                                      const std::string& content_type) {
    return presign("PUT", key, ttl, {{"content-type", content_type}});
}

std::optional<DirectUpload> S3Store::presigned_upload(const std::string& key,
                                                      std::chrono::seconds ttl,
                                                      const UploadConditions& conditions) {
    HeaderList headers{{"Content-Type", conditions.content_type}};
    if (conditions.size) headers.push_back({"Content-Length", std::to_string(*conditions.size)});
    if (!conditions.owner.empty())
        headers.push_back({"x-amz-meta-owner", uri_encode(conditions.owner, false)});
    std::string url = presign("PUT", key, ttl, headers);  // the signer lowercases the names
    return DirectUpload{std::move(url), std::move(headers)};
}

bool S3Store::put_single(const std::string& key, const Payload& body,
                         const std::string& content_type, bool if_absent) {
    Call c{"PUT", key, {}, &body, {{"content-type", content_type}}, nullptr};
    if (if_absent) c.extra.push_back({"if-none-match", "*"});
    auto r = caller_.call(if_absent ? "put if absent" : "put", key, [&] { return send(c); }, {412});
    return r.status != 412;
}

std::string S3Store::multipart_begin(const std::string& key, const std::string& content_type) {
    Payload empty;
    Call c{"POST", key, {{"uploads", ""}}, &empty, {{"content-type", content_type}}, nullptr};
    auto r = caller_.call("create multipart upload", key, [&] { return send(c); });
    std::string id = xml::first(r.text(), "UploadId");
    if (id.empty())
        throw StorageError(
            describe() + ": create multipart upload '" + key + "': answer has no UploadId", false);
    return id;
}

std::string S3Store::multipart_part(const std::string& key, const std::string& upload_id,
                                    int part_number, const Payload& part) {
    Call c{"PUT", key, {{"partNumber", std::to_string(part_number)}, {"uploadId", upload_id}},
           &part, {},  nullptr};
    auto r = caller_.call("upload part " + std::to_string(part_number) + " of", key,
                          [&] { return send(c); });
    std::string etag = r.header("etag");
    if (etag.empty())
        throw StorageError(describe() + ": upload part of '" + key + "': answer has no ETag",
                           false);
    return etag;
}

void S3Store::multipart_commit(const std::string& key, const std::string& upload_id,
                               const std::vector<std::string>& etags) {
    std::string text = "<CompleteMultipartUpload>";
    for (std::size_t i = 0; i < etags.size(); ++i)
        text += "<Part><PartNumber>" + std::to_string(i + 1) + "</PartNumber><ETag>" +
                xml::escape(etags[i]) + "</ETag></Part>";
    text += "</CompleteMultipartUpload>";
    Payload body = Payload::of(crypto::as_bytes(text));
    Call c{"POST", key, {{"uploadId", upload_id}}, &body, {{"content-type", "application/xml"}},
           nullptr};
    auto r = caller_.call("complete multipart upload", key, [&] { return send(c); });
    // S3 may answer 200 and still report a failure in the body.
    std::string answer = r.text();
    if (answer.find("<Error>") != std::string::npos) {
        ServiceFailure f = parse_s3_failure(r);
        throw StorageError(describe() + ": complete multipart upload '" + key + "' failed: " +
                               f.code + ": " + f.message + " (request id " + f.request_id + ")",
                           f.code == "InternalError" || f.code == "SlowDown");
    }
}

void S3Store::multipart_abort(const std::string& key, const std::string& upload_id) {
    Call c{"DELETE", key, {{"uploadId", upload_id}}, nullptr, {}, nullptr};
    caller_.call("abort multipart upload", key, [&] { return send(c); }, {404});
}

HttpResponse S3Store::object_request(const std::string& method, const std::string& key,
                                     const BodySink* sink) {
    Call c{method, key, {}, nullptr, {}, sink};
    return send(c);
}

ListPage S3Store::list(const std::string& prefix, const std::string& start_after,
                       std::size_t limit) {
    ListPage page;
    if (limit == 0) return page;
    std::string token;
    bool truncated = false;
    while (page.objects.size() < limit) {
        std::vector<std::pair<std::string, std::string>> query{
            {"list-type", "2"},
            {"prefix", options_.prefix + prefix},
            {"max-keys", std::to_string(std::min<std::size_t>(1000, limit - page.objects.size()))}};
        if (!token.empty())
            query.push_back({"continuation-token", token});
        else if (!start_after.empty())
            query.push_back({"start-after", options_.prefix + start_after});
        Call c{"GET", "", query, nullptr, {}, nullptr};
        auto r = caller_.call("list", prefix, [&] { return send(c); });
        std::string doc = r.text();
        for (auto entry : xml::blocks(doc, "Contents")) {
            std::string name = xml::first(entry, "Key");
            if (!name.starts_with(options_.prefix)) continue;
            page.objects.push_back({name.substr(options_.prefix.size()),
                                    std::strtoull(xml::first(entry, "Size").c_str(), nullptr, 10)});
        }
        truncated = xml::first(doc, "IsTruncated") == "true";
        token = xml::first(doc, "NextContinuationToken");
        if (!truncated || token.empty()) break;
    }
    if (truncated && !page.objects.empty()) page.next_start_after = page.objects.back().key;
    return page;
}

}  // namespace fotogal::storage
