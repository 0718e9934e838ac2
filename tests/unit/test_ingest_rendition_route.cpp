// GET /v1/images/{id} and /renditions/{name} over a real socket, with API keys: who may read
// what (owner, public, 401 vs 403), ETag/304, Range/206/416, HEAD, the versioned URLs.
#include <doctest/doctest.h>
#include <httplib.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "common/digest.hpp"
#include "common/http/http_server.hpp"
#include "common/object_keys.hpp"
#include "common/storage/file_store.hpp"
#include "ingest/routes.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

constexpr const char* kId = "018f3a2b-4c5d-7e6f-8a9b-0c1d2e3f4a5b";
const std::string kBytes = "0123456789abcdefghijklmnopqrstuvwxyz";  // the rendition

struct KeyedIngest {
    test::TempDir dir;
    storage::FileStore store{dir.path() / "store"};
    test::RecordingPublisher publisher;
    ingest::UploadService service{store, publisher, "uploads", {}};
    std::unique_ptr<ingest::auth::Authenticator> auth = [this] {
        std::ofstream(dir.path() / "keys")
            << "alice " << sha256_hex(std::string_view("alice-secret")) << " upload,read\n"
            << "bob " << sha256_hex(std::string_view("bob-secret")) << " upload,read\n";
        ingest::auth::AuthSettings keys;
        keys.api_keys_file = dir.path() / "keys";
        return ingest::auth::make_authenticator(keys);
    }();
    ingest::quotas::RateLimiter rates{{}};
    ingest::quotas::InflightBytes inflight{1 << 30};
    ingest::quotas::ConcurrentUploads concurrent{16};
    ingest::PresignCache presigned{std::chrono::seconds(300)};
    ingest::Edge edge{service, dir.path(), *auth, rates, inflight, concurrent, store, presigned};
    http::HttpServer server{"127.0.0.1:0", [] { return true; }};

    explicit KeyedIngest(const std::string& visibility) {
        std::string key = std::string("renditions/") + kId + "/small.jpg";
        store.put(key, {reinterpret_cast<const std::uint8_t*>(kBytes.data()), kBytes.size()},
                  "image/jpeg");
        json manifest = {{"image_id", kId},
                         {"status", "processed"},
                         {"owner", "alice"},
                         {"visibility", visibility},
                         {"outputs",
                          {{{"name", "small"},
                            {"key", key},
                            {"format", "jpeg"},
                            {"bytes", kBytes.size()},
                            {"sha256", sha256_hex(std::string_view(kBytes))}}}}};
        std::string text = manifest.dump();
        store.put(keys::manifest(kId),
                  {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()},
                  "application/json");
        ingest::add_routes(server.routes(), edge);
        server.start();
    }
    httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
};

httplib::Headers as(const char* secret, httplib::Headers more = {}) {
    more.emplace("Authorization", std::string("Bearer ") + secret);
    return more;
}

}  // namespace

TEST_CASE("ingest rendition route: a private image is its owner's alone") {
    KeyedIngest ingest("private");
    auto client = ingest.client();
    auto status = client.Get((std::string("/v1/images/") + kId).c_str(), as("alice-secret"));
    REQUIRE(status);
    CHECK(status->status == 200);
    json body = json::parse(status->body);
    std::string url = body.at("outputs").at(0).at("url");
    CHECK(url.find("/renditions/small?v=") != std::string::npos);
    auto mine = client.Get(url.c_str(), as("alice-secret"));
    REQUIRE(mine);
    CHECK(mine->status == 200);
    CHECK(mine->body == kBytes);
    CHECK(mine->get_header_value("Content-Type") == "image/jpeg");
    CHECK(mine->get_header_value("Cache-Control") == "private, max-age=31536000, immutable");
    auto theirs = client.Get(url.c_str(), as("bob-secret"));
    REQUIRE(theirs);
    CHECK(theirs->status == 403);
    auto nobody = client.Get(url.c_str());
    REQUIRE(nobody);
    CHECK(nobody->status == 401);
    CHECK(nobody->get_header_value("WWW-Authenticate").starts_with("Bearer"));
    auto bad_key = client.Get(url.c_str(), as("guess"));
    REQUIRE(bad_key);
    CHECK(bad_key->status == 401);
    auto other_status = client.Get((std::string("/v1/images/") + kId).c_str(), as("bob-secret"));
    REQUIRE(other_status);
    CHECK(other_status->status == 403);
}

TEST_CASE("ingest rendition route: ETag, 304, Range, 416 and HEAD per RFC 9110") {
    KeyedIngest ingest("public");
    auto client = ingest.client();
    std::string path = std::string("/v1/images/") + kId + "/renditions/small";
    auto whole = client.Get(path.c_str());  // public: no credential needed
    REQUIRE(whole);
    CHECK(whole->status == 200);
    CHECK(whole->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");
    CHECK(whole->get_header_value("Accept-Ranges") == "bytes");
    std::string etag = whole->get_header_value("ETag");
    REQUIRE(etag.size() > 2);
    CHECK(etag.front() == '"');
    auto cached = client.Get(path.c_str(), {{"If-None-Match", etag}});
    REQUIRE(cached);
    CHECK(cached->status == 304);
    CHECK(cached->body.empty());
    CHECK(cached->get_header_value("ETag") == etag);
    auto weak = client.Get(path.c_str(), {{"If-None-Match", "W/" + etag}});
    REQUIRE(weak);
    CHECK(weak->status == 304);  // If-None-Match compares weakly
    auto part = client.Get(path.c_str(), {{"Range", "bytes=10-19"}});
    REQUIRE(part);
    CHECK(part->status == 206);
    CHECK(part->body == kBytes.substr(10, 10));
    CHECK(part->get_header_value("Content-Range") ==
          "bytes 10-19/" + std::to_string(kBytes.size()));
    auto tail = client.Get(path.c_str(), {{"Range", "bytes=-6"}});
    REQUIRE(tail);
    CHECK(tail->body == kBytes.substr(kBytes.size() - 6));
    auto stale = client.Get(path.c_str(), {{"Range", "bytes=0-3"}, {"If-Range", "\"other\""}});
    REQUIRE(stale);
    CHECK(stale->status == 200);  // the validator does not match: the whole representation
    auto outside = client.Get(path.c_str(), {{"Range", "bytes=500-"}});
    REQUIRE(outside);
    CHECK(outside->status == 416);
    CHECK(outside->get_header_value("Content-Range") == "bytes */" + std::to_string(kBytes.size()));
    auto head = client.Head(path.c_str());
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->get_header_value("Content-Length") == std::to_string(kBytes.size()));
    auto unknown = client.Get((std::string("/v1/images/") + kId + "/renditions/huge").c_str());
    REQUIRE(unknown);
    CHECK(unknown->status == 404);
    // The file store cannot presign: ?redirect=1 serves the bytes itself.
    auto direct = client.Get((path + "?redirect=1").c_str());
    REQUIRE(direct);
    CHECK(direct->status == 200);
    CHECK(direct->body == kBytes);
}
