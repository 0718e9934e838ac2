// POST /v1/uploads and ingest's own PUT /v1/uploads/{id} over a real socket: the response
// contract, the signed URL's refusals (altered, other Content-Type, replayed), the limits and
// the owner carried into the upload event; a store with presigned URLs gets its URL passed on
// and nothing published (the bucket's own event announces those uploads).
#include <doctest/doctest.h>

#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "common/http/http_server.hpp"
#include "common/image_id.hpp"
#include "common/storage/file_store.hpp"
#include "common/storage/signing_crypto.hpp"
#include "common/upload_reservation.hpp"
#include "corpus.hpp"
#include "ingest/routes.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

const std::string kKeySecret = "upload-url-test-secret-0123456789";

// A file store that also presigns, as s3:// and oci:// do: it records what it was asked, and
// its writes fail (transient or not) when a test says so.
class PresigningStore final : public storage::ObjectStore {
  public:
    explicit PresigningStore(storage::ObjectStore& inner) : inner_(inner) {}
    void put(const std::string& k, std::span<const std::uint8_t> b, const std::string& t) override {
        if (failing_writes) throw storage::StorageError("put " + k + " failed", *failing_writes);
        inner_.put(k, b, t);
    }
    std::optional<std::vector<std::uint8_t>> get(const std::string& k) override {
        return inner_.get(k);
    }
    std::optional<storage::ObjectInfo> head(const std::string& k) override {
        return inner_.head(k);
    }
    void remove(const std::string& k) override { inner_.remove(k); }
    storage::ListPage list(const std::string& p, const std::string& s, std::size_t n) override {
        return inner_.list(p, s, n);
    }
    std::string describe() const override { return "presigning test store"; }
    std::optional<storage::DirectUpload> presigned_upload(
        const std::string& key, std::chrono::seconds ttl,
        const storage::UploadConditions& conditions) override {
        asked_key = key;
        asked_ttl = ttl;
        asked = conditions;
        return storage::DirectUpload{
            "https://bucket.example/" + key + "?X-Amz-Signature=abc",
            {{"Content-Type", conditions.content_type}, {"x-amz-meta-owner", conditions.owner}}};
    }
    std::optional<bool> failing_writes;  // whether the failure is transient
    std::string asked_key;
    std::chrono::seconds asked_ttl{0};
    storage::UploadConditions asked;

  private:
    storage::ObjectStore& inner_;
};

struct Ingest {
    test::TempDir dir;
    storage::FileStore files{dir.path() / "bucket"};
    PresigningStore presigning{files};
    test::RecordingPublisher publisher;
    ingest::UploadService service{files, publisher, "uploads", {200'000, 100'000'000}};
    http::HttpServer server{"127.0.0.1:0", [] { return true; }};
    std::unique_ptr<ingest::auth::Authenticator> auth = [this] {
        std::ofstream(dir.path() / "keys")
            << "alice " << storage::crypto::hex(storage::crypto::sha256(kKeySecret))
            << " upload,read\n";
        ingest::auth::AuthSettings settings;
        settings.mode = "api_key";
        settings.api_keys_file = (dir.path() / "keys").string();
        return ingest::auth::make_authenticator(settings);
    }();
    ingest::quotas::RateLimiter rates;
    ingest::quotas::InflightBytes inflight{1 << 30};
    ingest::quotas::ConcurrentUploads concurrent{16};
    ingest::PresignCache presigned{std::chrono::seconds(300)};
    ingest::Edge edge;

    // Rate limits off unless a test is about them.
    explicit Ingest(bool store_presigns = false, ingest::quotas::RateLimits limits = {0, 1, 0, 1})
        : rates(limits),
          edge{service,
               dir.path(),
               *auth,
               rates,
               inflight,
               concurrent,
               store_presigns ? static_cast<storage::ObjectStore&>(presigning) : files,
               presigned} {
        ingest::add_routes(server.routes(), edge);
        server.start();
    }
    // The server is declared before the limits its handlers hold: stop its threads first.
    ~Ingest() { server.stop(); }
    httplib::Client client() {
        httplib::Client c("127.0.0.1", server.port());
        c.set_default_headers({{"Authorization", "Bearer " + kKeySecret}});
        return c;
    }
    // POST /v1/uploads; the answer's JSON (REQUIREd to be 201).
    json reserve(const std::string& body = "") {
        auto res = client().Post("/v1/uploads", body, "application/json");
        REQUIRE(res);
        REQUIRE_MESSAGE(res->status == 201, res->body);
        return json::parse(res->body);
    }
};

std::string bmp() {
    auto bytes = test::read_corpus("formats/bmp24_v5.bmp");
    return {bytes.begin(), bytes.end()};
}

// The path and query of an absolute URL on the test server (a path stays as it is).
std::string path_of(const std::string& url) {
    if (url.starts_with("/")) return url;
    auto scheme = url.find("://");
    REQUIRE(scheme != std::string::npos);
    return url.substr(url.find('/', scheme + 3));
}

// PUT as a client told only the URL and the headers would: no Authorization.
httplib::Result put(Ingest& ingest, const std::string& url, const std::string& body,
                    const std::string& content_type) {
    httplib::Client c("127.0.0.1", ingest.server.port());
    return c.Put(path_of(url), body, content_type);
}

std::string error_code(const httplib::Result& res) {
    REQUIRE(res);
    return json::parse(res->body).at("error").at("code");
}

}  // namespace

TEST_CASE("upload URLs: file store: the answer follows the contract and the PUT is announced") {
    Ingest ingest;
    std::string body = bmp();
    json answer = ingest.reserve(R"({"content_type": "image/bmp", "size": )" +
                                 std::to_string(body.size()) + "}");
    const std::string id = answer.at("id");
    CHECK(is_valid_image_id(id));
    CHECK(uuidv7_unix_millis(id).has_value());
    CHECK(answer.at("key") == "originals/" + id);
    CHECK(answer.at("status_url") == "/v1/images/" + id);
    const json& upload = answer.at("upload");
    CHECK(upload.at("method") == "PUT");
    const std::string url = upload.at("url");
    CHECK(url.starts_with("http://127.0.0.1:" + std::to_string(ingest.server.port()) +
                          "/v1/uploads/" + id + "?"));
    CHECK(upload.at("headers") == json{{"Content-Type", "image/bmp"}});
    CHECK(upload.at("max_bytes") == body.size());
    // RFC 3339 in UTC, e.g. 2026-12-07T11:15:00.000Z, some minutes ahead.
    const std::string expires = upload.at("expires_at");
    CHECK(expires.size() >= 20);
    CHECK(expires.ends_with("Z"));
    CHECK(expires[4] == '-');
    CHECK(expires[10] == 'T');
    CHECK(expires > rfc3339_now());
    CHECK(ingest.publisher.sent.empty());  // nothing is announced before the bytes exist

    auto res = put(ingest, url, body, "image/bmp");
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 202, res->body);
    CHECK(json::parse(res->body).at("id") == id);
    REQUIRE(ingest.publisher.sent.size() == 1);
    const auto& event = ingest.publisher.sent[0];
    CHECK(event.key == id);
    CHECK(event.value.at("data").at("object_key") == "originals/" + id);
    CHECK(event.value.at("data").at("owner") == "alice");  // the principal that asked
    CHECK(ingest.files.head("originals/" + id)->size == body.size());
    auto status = ingest.client().Get(answer.at("status_url").get<std::string>().c_str());
    REQUIRE(status);
    CHECK(json::parse(status->body).at("status") == "pending");

    auto again = put(ingest, url, body, "image/bmp");  // the URL replayed: one id, one event
    CHECK(again->status == 409);
    CHECK(error_code(again) == "already_uploaded");
    CHECK(ingest.publisher.sent.size() == 1);
}

TEST_CASE("upload URLs: the PUT holds to what was signed") {
    Ingest ingest;
    json answer = ingest.reserve(R"({"content_type": "image/bmp", "size": 1000})");
    const std::string url = answer.at("upload").at("url");
    std::string body = bmp();  // larger than the 1000 bytes declared

    auto other_type = put(ingest, url, body, "image/png");
    CHECK(other_type->status == 403);
    CHECK(error_code(other_type) == "content_type_mismatch");

    auto too_large = put(ingest, url, body, "image/bmp");
    CHECK(too_large->status == 413);
    CHECK(error_code(too_large) == "too_large");

    std::string altered = url;
    altered.replace(altered.find("max_bytes=1000"), 14, "max_bytes=9999999");
    REQUIRE(altered != url);
    auto forged = put(ingest, altered, body, "image/bmp");
    CHECK(forged->status == 403);
    CHECK(error_code(forged) == "bad_signature");

    std::string other_id = url;
    other_id.replace(other_id.find(answer.at("id").get<std::string>()), 36, new_image_id());
    CHECK(put(ingest, other_id, body, "image/bmp")->status == 403);
    CHECK(put(ingest, path_of(url).substr(0, path_of(url).find('?')), body, "image/bmp")->status ==
          403);  // no signature at all
    CHECK(ingest.publisher.sent.empty());
}

TEST_CASE("upload URLs: the PUT validates the bytes as POST /v1/images does") {
    Ingest ingest;
    json answer = ingest.reserve();  // no body: the defaults
    CHECK(answer.at("upload").at("headers") == json{{"Content-Type", "application/octet-stream"}});
    CHECK(answer.at("upload").at("max_bytes") == 200'000);  // the service's limit
    const std::string url = answer.at("upload").at("url");
    auto text = put(ingest, url, std::string(5000, 'x'), "application/octet-stream");
    CHECK(text->status == 415);
    CHECK(error_code(text) == "unsupported_format");
    CHECK(ingest.publisher.sent.empty());
    CHECK_FALSE(ingest.files.head(answer.at("key")));
}

TEST_CASE("upload URLs: bad requests, limits and credentials are refused as JSON") {
    Ingest ingest;
    auto client = ingest.client();
    auto post = [&](const std::string& body) {
        return client.Post("/v1/uploads", body, "application/json");
    };
    CHECK(error_code(post("not json")) == "bad_request");
    CHECK(post("[1]")->status == 400);
    CHECK(error_code(post(R"({"content_type": "text/html"})")) == "bad_content_type");
    CHECK(error_code(post(R"({"content_type": "image/jpeg\r\nX-Evil: 1"})")) == "bad_content_type");
    CHECK(error_code(post(R"({"size": -5})")) == "bad_size");
    CHECK(error_code(post(R"({"size": 0})")) == "bad_size");
    CHECK(error_code(post(R"({"visibility": "friends"})")) == "bad_visibility");
    CHECK(error_code(post(R"({"visibility": true})")) == "bad_visibility");
    auto big = post(R"({"content_type": "image/jpeg", "size": 200001})");
    CHECK(big->status == 413);
    CHECK(error_code(big) == "too_large");

    httplib::Client anonymous("127.0.0.1", ingest.server.port());
    auto no_key = anonymous.Post("/v1/uploads", "", "application/json");
    REQUIRE(no_key);
    CHECK(no_key->status == 401);
    CHECK_FALSE(no_key->get_header_value("WWW-Authenticate").empty());
    CHECK(ingest.publisher.sent.empty());
}

TEST_CASE("upload URLs: a principal over its upload rate gets 429 here too") {
    Ingest ingest(false, {0.001, 1, 0, 1});  // one upload, then none for a long while
    ingest.reserve();
    auto second = ingest.client().Post("/v1/uploads", "", "application/json");
    REQUIRE(second);
    CHECK(second->status == 429);
    CHECK(error_code(second) == "rate_limited");
    CHECK_FALSE(second->get_header_value("Retry-After").empty());
}

TEST_CASE(
    "upload URLs: a store that presigns gets the client's conditions and its URL is passed on") {
    Ingest ingest(true);
    ingest.edge.upload_urls.ttl = std::chrono::seconds(600);
    json answer = ingest.reserve(R"({"content_type": "image/jpeg", "size": 12345})");
    const std::string id = answer.at("id");
    CHECK(ingest.presigning.asked_key == "originals/" + id);
    CHECK(ingest.presigning.asked_ttl == std::chrono::seconds(600));
    CHECK(ingest.presigning.asked.content_type == "image/jpeg");
    CHECK(ingest.presigning.asked.size == 12345u);
    CHECK(ingest.presigning.asked.owner == "alice");
    CHECK(answer.at("upload").at("url") ==
          "https://bucket.example/originals/" + id + "?X-Amz-Signature=abc");
    CHECK(answer.at("upload").at("headers") ==
          json{{"Content-Type", "image/jpeg"}, {"x-amz-meta-owner", "alice"}});
    CHECK(answer.at("upload").at("max_bytes") == 12345);
    CHECK(ingest.publisher.sent.empty());  // the bucket's own event announces it

    // ingest mode: ingest's own URL even though the store could presign.
    ingest.edge.upload_urls.mode = ingest::UploadUrlMode::ingest;
    ingest.presigning.asked_key.clear();
    json own = ingest.reserve();
    CHECK(own.at("upload").at("url").get<std::string>().find("/v1/uploads/") != std::string::npos);
    CHECK(ingest.presigning.asked_key.empty());

    ingest.edge.upload_urls.mode = ingest::UploadUrlMode::off;
    auto off = ingest.client().Post("/v1/uploads", "", "application/json");
    REQUIRE(off);
    CHECK(off->status == 404);
    CHECK(put(ingest, own.at("upload").at("url"), bmp(), "application/octet-stream")->status ==
          404);
}

TEST_CASE("upload URLs: a configured public URL is the base of ingest's own URLs") {
    Ingest ingest;
    ingest.edge.upload_urls.public_url = "https://photos.example.com/api";
    json answer = ingest.reserve();
    CHECK(answer.at("upload").at("url").get<std::string>().starts_with(
        "https://photos.example.com/api/v1/uploads/" + answer.at("id").get<std::string>() + "?"));
}

TEST_CASE("upload URLs: a store URL is handed out only once the reservation names the owner") {
    Ingest ingest(true);
    json answer =
        ingest.reserve(R"({"content_type": "image/jpeg", "size": 12345, "visibility": "public"})");
    const std::string id = answer.at("id");
    // Written before the answer: the 201 is in hand, so is the reservation.
    auto bytes = ingest.files.get("reservations/" + id + ".json");
    REQUIRE(bytes);
    auto reservation = parse_reservation(std::string(bytes->begin(), bytes->end()));
    REQUIRE(reservation);
    CHECK(reservation->image_id == id);
    CHECK(reservation->owner == std::optional<std::string>("alice"));
    CHECK(reservation->visibility == "public");
    CHECK(reservation->content_type == "image/jpeg");
    CHECK(reservation->max_bytes == 12345);
    CHECK(reservation->expires_at == answer.at("upload").at("expires_at"));
    auto asked_nothing = parse_reservation([&] {
        auto b = ingest.files.get("reservations/" + ingest.reserve().at("id").get<std::string>() +
                                  ".json");
        REQUIRE(b);
        return std::string(b->begin(), b->end());
    }());
    REQUIRE(asked_nothing);
    CHECK(asked_nothing->visibility == "private");  // an owner's image is private unless asked

    // Ingest's own URL announces the owner itself: no reservation, the visibility signed.
    ingest.edge.upload_urls.mode = ingest::UploadUrlMode::ingest;
    std::string body = bmp();
    json own = ingest.reserve(R"({"content_type": "image/bmp", "visibility": "public"})");
    CHECK_FALSE(ingest.files.head("reservations/" + own.at("id").get<std::string>() + ".json"));
    auto res = put(ingest, own.at("upload").at("url"), body, "image/bmp");
    REQUIRE(res);
    CHECK_MESSAGE(res->status == 202, res->body);
    REQUIRE(ingest.publisher.sent.size() == 1);
    CHECK(ingest.publisher.sent[0].value.at("data").at("attributes").at("visibility") == "public");
    std::string url = own.at("upload").at("url");
    url.replace(url.find("visibility=public"), 17, "visibility=private");
    CHECK(error_code(put(ingest, url, body, "image/bmp")) == "bad_signature");
}

TEST_CASE("upload URLs: a reservation the store does not take means no URL") {
    Ingest ingest(true);
    auto post = [&] {
        auto res = ingest.client().Post("/v1/uploads", R"({"content_type": "image/jpeg"})",
                                        "application/json");
        REQUIRE(res);
        return res;
    };
    ingest.presigning.failing_writes = true;  // the store does not answer
    auto busy = post();
    CHECK(busy->status == 503);
    CHECK(error_code(busy) == "unavailable");
    CHECK(busy->get_header_value("Retry-After") == "5");
    CHECK(busy->get_header_value("Location").empty());
    CHECK(busy->body.find(ingest.presigning.asked_key) == std::string::npos);  // no URL, no key
    CHECK_FALSE(json::parse(busy->body).contains("upload"));

    ingest.presigning.failing_writes = false;  // the store refuses for good
    auto refused = post();
    CHECK(refused->status == 500);
    CHECK(error_code(refused) == "storage_refused");
    CHECK_FALSE(json::parse(refused->body).contains("upload"));
    CHECK(ingest.publisher.sent.empty());
}
