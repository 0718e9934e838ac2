// The ingest HTTP contract over a real socket: status codes, JSON error bodies, raw and
// multipart uploads, status lookups.
#include <doctest/doctest.h>

#include <httplib.h>

#include <thread>

#include <nlohmann/json.hpp>

#include "common/http/http_server.hpp"
#include "common/storage/file_store.hpp"
#include "corpus.hpp"
#include "ingest/routes.hpp"
#include "raw_http.hpp"
#include "recording_publisher.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using nlohmann::json;

namespace {

struct Ingest {
    test::TempDir dir;
    storage::FileStore store{dir.path()};
    test::RecordingPublisher publisher;
    ingest::UploadService service{store, publisher, "uploads", {200'000, 100'000'000}};
    http::HttpServer server{"127.0.0.1:0", [] { return true; }};
    std::unique_ptr<ingest::auth::Authenticator> auth = [] {
        ingest::auth::AuthSettings anyone;
        anyone.mode = "none";
        return ingest::auth::make_authenticator(anyone);
    }();
    ingest::quotas::RateLimiter rates{{0, 1, 0, 1}};  // rates off: not what these test
    ingest::quotas::InflightBytes inflight{1 << 30};
    ingest::quotas::ConcurrentUploads concurrent{16};
    ingest::PresignCache presigned{std::chrono::seconds(300)};
    ingest::Edge edge{service, dir.path(), *auth, rates, inflight, concurrent, store, presigned};
    Ingest() {
        ingest::add_routes(server.routes(), edge);
        server.start();
    }
    // The server is declared before the limits its handlers hold: stop its threads first.
    ~Ingest() { server.stop(); }
    httplib::Client client() { return httplib::Client("127.0.0.1", server.port()); }
};

std::string as_string(const std::vector<std::uint8_t>& bytes) {
    return {bytes.begin(), bytes.end()};
}

// Every error answer has the shape {"error": {"code", "message"}}.
std::string error_code(const httplib::Result& res) {
    REQUIRE(res);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    json body = json::parse(res->body);
    CHECK_FALSE(body.at("error").at("message").get<std::string>().empty());
    return body.at("error").at("code");
}

}  // namespace

TEST_CASE("ingest routes: a raw upload is accepted and its status can be looked up") {
    Ingest ingest;
    auto client = ingest.client();
    auto res = client.Post("/v1/images", as_string(test::read_corpus("formats/bmp24_v5.bmp")),
                           "image/bmp");
    REQUIRE(res);
    CHECK(res->status == 202);
    json body = json::parse(res->body);
    std::string id = body.at("id");
    CHECK(body.at("status_url") == "/v1/images/" + id);
    CHECK(res->get_header_value("Location") == "/v1/images/" + id);
    auto status = client.Get(("/v1/images/" + id).c_str());
    REQUIRE(status);
    CHECK(status->status == 200);
    CHECK(json::parse(status->body).at("status") == "pending");
    CHECK(ingest.publisher.sent.size() == 1);
}

TEST_CASE("ingest routes: multipart uploads keep their text fields as attributes") {
    Ingest ingest;
    auto client = ingest.client();
    httplib::MultipartFormDataItems items = {
        {"file", as_string(test::read_corpus("formats/png8_rgba.png")), "a.png", "image/png"},
        {"album", "holidays", "", ""}};
    auto res = client.Post("/v1/images", items);
    REQUIRE(res);
    CHECK(res->status == 202);
    REQUIRE(ingest.publisher.sent.size() == 1);
    CHECK(ingest.publisher.sent[0].value.at("data").at("attributes").at("album") == "holidays");
    httplib::MultipartFormDataItems no_file = {{"album", "x", "", ""}};
    auto missing = client.Post("/v1/images", no_file);
    CHECK(missing->status == 400);
    CHECK(error_code(missing) == "missing_file");
}

TEST_CASE("ingest routes: refusals are JSON with the right status") {
    Ingest ingest;
    auto client = ingest.client();
    auto post = [&](const std::string& body, const char* type) {
        return client.Post("/v1/images", body, type);
    };
    auto empty = post("", "image/jpeg");
    CHECK(empty->status == 400);
    CHECK(error_code(empty) == "empty_body");
    auto text = post("hello, world", "image/jpeg");
    CHECK(text->status == 415);
    CHECK(error_code(text) == "unsupported_format");
    auto bomb = post(as_string(test::read_corpus("bad/bomb_png_16384x16384.png")), "image/png");
    CHECK(bomb->status == 422);
    CHECK(error_code(bomb) == "too_many_pixels");
    auto big = post(std::string(250'000, 'x'), "image/jpeg");  // over the 200 kB limit
    CHECK(big->status == 413);
    CHECK(error_code(big) == "too_large");
    CHECK(ingest.publisher.sent.empty());
    // curl --data-binary's default content type: the bytes decide what they are, not it.
    auto form = post(as_string(test::read_corpus("formats/bmp24_v5.bmp")),
                     "application/x-www-form-urlencoded");
    CHECK(form->status == 202);
}

TEST_CASE("ingest routes: unknown ids are 404, malformed ids 400, other paths JSON 404") {
    Ingest ingest;
    auto client = ingest.client();
    auto unknown = client.Get("/v1/images/01a21e0d-e769-78e3-b7a3-d86c7e7dd43c");
    CHECK(unknown->status == 404);
    CHECK(error_code(unknown) == "not_found");
    auto bad = client.Get("/v1/images/NOT-A-UUID");
    CHECK(bad->status == 400);
    CHECK(error_code(bad) == "bad_id");
    auto nowhere = client.Get("/v2/nothing");
    CHECK(nowhere->status == 404);
    CHECK(error_code(nowhere) == "not_found");
    auto health = client.Get("/healthz");
    CHECK(health->status == 200);
}

TEST_CASE("ingest routes: an upload that cannot be spooled is 503, not 500") {
    Ingest ingest;
    ingest.edge.spool_dir = ingest.dir.path() / "no-such-dir";
    auto client = ingest.client();
    auto res = client.Post("/v1/images", as_string(test::read_corpus("formats/bmp24_v5.bmp")),
                           "image/bmp");
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(error_code(res) == "unavailable");
    CHECK(res->get_header_value("Retry-After") == "5");
    CHECK(ingest.publisher.sent.empty());
}

TEST_CASE("ingest routes: bytes that are no image are refused from their first bytes") {
    Ingest ingest;  // a 200 kB limit: 150 kB announced, only 8 kB of it ever sent
    test::RawConnection c(ingest.server.port());
    REQUIRE(c.send("POST /v1/images HTTP/1.1\r\nHost: t\r\nContent-Length: 150000\r\n\r\n" +
                   std::string(8192, 'x')));
    auto res = c.read_response(std::chrono::seconds(5));
    REQUIRE(res);
    CHECK(res->status == 415);
    CHECK(json::parse(res->body).at("error").at("code") == "unsupported_format");
    CHECK(res->header("connection") == "close");
    CHECK(ingest.publisher.sent.empty());
}

TEST_CASE("ingest routes: a principal's uploads in progress are capped (429), then free again") {
    Ingest ingest;  // 16 uploads in progress per principal; anonymous ones by address
    std::vector<std::unique_ptr<test::RawConnection>> slow;
    for (int i = 0; i < 16; ++i) {  // each sends a little of its body, then waits
        slow.push_back(std::make_unique<test::RawConnection>(ingest.server.port()));
        REQUIRE(slow.back()->send(
            "POST /v1/images HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n\xff\xd8\xff"));
    }
    // The 16 reach their handlers in their own time; then a 17th is refused.
    bool all_started = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!all_started && std::chrono::steady_clock::now() < deadline) {
        all_started = ingest.concurrent.in_progress("address 127.0.0.1") == 16;
        if (!all_started) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(all_started);
    test::RawConnection extra(ingest.server.port());
    REQUIRE(extra.send("POST /v1/images HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello"));
    auto refused = extra.read_response(std::chrono::seconds(5));
    REQUIRE(refused);
    CHECK(refused->status == 429);
    CHECK(json::parse(refused->body).at("error").at("code") == "too_many_uploads");
    slow.clear();  // their uploads end (the client went away) and give their places back
    auto client = ingest.client();
    bool accepted = false;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);  // slots come back
    while (!accepted && std::chrono::steady_clock::now() < deadline) {
        auto res = client.Post("/v1/images", as_string(test::read_corpus("formats/bmp24_v5.bmp")),
                               "image/bmp");
        accepted = res && res->status == 202;
    }
    CHECK(accepted);
}

TEST_CASE("ingest routes: the gallery page is served at / beside the API, without credentials") {
    Ingest ingest;
    auto client = ingest.client();
    auto page = client.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
    CHECK(page->body.find("/ui/main.js") != std::string::npos);
    auto script = client.Get("/ui/main.js");
    REQUIRE(script);
    CHECK(script->status == 200);
    auto upload = client.Post("/", "x", "text/plain");
    REQUIRE(upload);
    CHECK(upload->status == 405);
    auto unknown = client.Get("/v1/images/01a21e0d-e769-78e3-b7a3-d86c7e7dd43c");
    CHECK(unknown->status == 404);
    CHECK(error_code(unknown) == "not_found");
}
