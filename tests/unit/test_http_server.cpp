// The HTTP server over real sockets: what slow, idle, malformed and hostile clients can and
// cannot make it do, and the HTTP/1.1 mechanics browsers and curl rely on.
#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "common/http/body_reader.hpp"
#include "common/http/http_server.hpp"
#include "raw_http.hpp"

using namespace fotogal;
using namespace std::chrono_literals;
using test::RawConnection;

namespace {

struct TestServer {
    http::HttpServer server;
    explicit TestServer(http::ServerLimits limits = {})
        : server(
              "127.0.0.1:0", [] { return true; }, limits) {
        server.routes().post("/echo", [](http::Request& req, http::Response& res) {
            std::string body;
            char buffer[4096];
            for (std::size_t n; (n = req.body->read(buffer)) > 0;) body.append(buffer, n);
            res.set_content(body, "text/plain");
        });
        server.routes().post("/refuse", [](http::Request&, http::Response& res) {
            http::send_error(res, 401, "unauthenticated", "no credential");
        });
        server.routes().get("/boom", [](http::Request&, http::Response&) {
            throw std::runtime_error("bucket secret-bucket at http://10.0.0.7 refused");
        });
        server.start();
    }
    int port() const { return server.port(); }
};

std::string get(const std::string& path) {
    return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
}

std::string post(const std::string& path, const std::string& body) {
    return "POST " + path +
           " HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
           body;
}

std::chrono::milliseconds since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start);
}

}  // namespace

TEST_CASE(
    "http server: 200 connections trickling request heads delay neither /healthz nor an API call") {
    TestServer t;
    std::vector<std::unique_ptr<RawConnection>> slow;
    for (int i = 0; i < 200; ++i) {
        slow.push_back(std::make_unique<RawConnection>(t.port()));
        REQUIRE(slow.back()->send("POST /echo HTTP/1.1\r\nHost: t\r\nX-Slow: "));
    }
    for (auto& c : slow) REQUIRE(c->send("a"));  // still trickling
    auto start = std::chrono::steady_clock::now();
    RawConnection probe(t.port());
    REQUIRE(probe.send(get("/healthz")));
    auto health = probe.read_response(1s);
    REQUIRE(health);
    CHECK(health->status == 200);
    RawConnection api(t.port());
    REQUIRE(api.send(post("/echo", "hello")));
    auto echoed = api.read_response(1s);
    REQUIRE(echoed);
    CHECK(echoed->body == "hello");
    CHECK(since(start) < 1s);
    CHECK(t.server.open_connections() >= 200);  // the slow ones were held, not dropped
}

TEST_CASE("http server: a request head that takes too long is answered 408 and closed") {
    http::ServerLimits limits;
    limits.header_timeout = 300ms;
    TestServer t(limits);
    RawConnection slow(t.port());
    REQUIRE(slow.send("GET /healthz HTTP/1.1\r\nHost"));
    auto res = slow.read_response(5s);
    REQUIRE(res);
    CHECK(res->status == 408);
    CHECK(nlohmann::json::parse(res->body).at("error").at("code") == "head_timeout");
    CHECK(slow.closed_within(5s));
}

TEST_CASE("http server: a connection that never sends a request is closed at the head deadline") {
    http::ServerLimits limits;
    limits.header_timeout = 300ms;
    TestServer t(limits);
    RawConnection silent(t.port());
    auto res = silent.read_response(5s);
    REQUIRE(res);
    CHECK(res->status == 408);
    CHECK(silent.closed_within(5s));
}

TEST_CASE("http server: an idle keep-alive connection is closed after the idle timeout") {
    http::ServerLimits limits;
    limits.idle_timeout = 300ms;
    TestServer t(limits);
    RawConnection idle(t.port());
    REQUIRE(idle.send(get("/healthz")));
    REQUIRE(idle.read_response(2s));
    CHECK(idle.closed_within(5s));
}

TEST_CASE("http server: a body slower than the minimum rate is cut off with 408") {
    http::ServerLimits limits;
    limits.body.grace = 200ms;
    limits.body.min_bytes_per_second = 1000;
    TestServer t(limits);
    RawConnection trickle(t.port());
    REQUIRE(trickle.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\n\r\n0123"));
    auto res = trickle.read_response(5s);
    REQUIRE(res);
    CHECK(res->status == 408);
    CHECK(nlohmann::json::parse(res->body).at("error").at("code") == "too_slow");
    CHECK(res->header("connection") == "close");
}

TEST_CASE("http server: keep-alive, pipelining and chunked bodies") {
    TestServer t;
    RawConnection c(t.port());
    REQUIRE(c.send(post("/echo", "first") + post("/echo", "second")));
    auto one = c.read_response(2s);
    auto two = c.read_response(2s);
    REQUIRE(one);
    REQUIRE(two);
    CHECK(one->body == "first");
    CHECK(two->body == "second");
    REQUIRE(
        c.send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
               "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n"));
    auto chunked = c.read_response(2s);
    REQUIRE(chunked);
    CHECK(chunked->body == "hello world");
    REQUIRE(c.send(get("/healthz")));  // the same connection still serves
    CHECK(c.read_response(2s)->status == 200);
}

TEST_CASE("http server: 100-continue is sent only when the handler reads the body") {
    TestServer t;
    RawConnection reads(t.port());
    REQUIRE(
        reads.send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                   "Expect: 100-continue\r\n\r\n"));
    auto interim = reads.read_response(2s);
    REQUIRE(interim);
    CHECK(interim->status == 100);
    REQUIRE(reads.send("abc"));
    CHECK(reads.read_response(2s)->body == "abc");

    RawConnection refused(t.port());
    REQUIRE(
        refused.send("POST /refuse HTTP/1.1\r\nHost: t\r\nContent-Length: 50000000\r\n"
                     "Expect: 100-continue\r\n\r\n"));
    auto final_answer = refused.read_response(2s);
    REQUIRE(final_answer);
    CHECK(final_answer->status == 401);  // no 100 first: the body was never asked for
    CHECK(final_answer->header("connection") == "close");
}

TEST_CASE("http server: over the connection cap, a new connection is answered 503") {
    http::ServerLimits limits;
    limits.max_connections = 4;
    TestServer t(limits);
    std::vector<std::unique_ptr<RawConnection>> held;
    for (int i = 0; i < 4; ++i) {
        held.push_back(std::make_unique<RawConnection>(t.port()));
        REQUIRE(held.back()->send(get("/healthz")));
        REQUIRE(held.back()->read_response(2s));  // accepted and served: counted
    }
    RawConnection extra(t.port());
    auto res = extra.read_response(2s);
    REQUIRE(res);
    CHECK(res->status == 503);
    CHECK(nlohmann::json::parse(res->body).at("error").at("code") == "too_many_connections");
    held.clear();
    // Capacity comes back as connections close.
    bool served = false;
    auto start = std::chrono::steady_clock::now();
    while (!served && since(start) < 5s) {
        RawConnection again(t.port());
        again.send(get("/healthz"));
        auto r = again.read_response(1s);
        served = r && r->status == 200;
    }
    CHECK(served);
}

TEST_CASE("http server: malformed and smuggling-prone requests are refused") {
    TestServer t;
    auto status_of = [&](const std::string& request) {
        RawConnection c(t.port());
        REQUIRE(c.send(request));
        auto res = c.read_response(2s);
        REQUIRE(res);
        return res->status;
    };
    CHECK(status_of("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                    "Transfer-Encoding: chunked\r\n\r\nabc") == 400);
    CHECK(status_of("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n"
                    "Content-Length: 4\r\n\r\nabcd") == 400);
    CHECK(status_of("GET /healthz HTTP/1.1\r\nHost: t\r\n folded\r\n\r\n") == 400);
    CHECK(status_of("GET /healthz HTTP/2.0\r\nHost: t\r\n\r\n") == 505);
    CHECK(status_of("GET /healthz HTTP/1.1\r\n\r\n") == 400);  // no Host
    CHECK(status_of("GET /healthz HTTP/1.1\r\nHost: t\r\nX: " + std::string(40000, 'a') +
                    "\r\n\r\n") == 431);
    CHECK(status_of("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "zz\r\n") == 400);
}

TEST_CASE("http server: a handler's exception is a 500 with a request id, never its text") {
    TestServer t;
    RawConnection c(t.port());
    REQUIRE(c.send("GET /boom HTTP/1.1\r\nHost: t\r\nX-Request-Id: trace-42\r\n\r\n"));
    auto res = c.read_response(2s);
    REQUIRE(res);
    CHECK(res->status == 500);
    CHECK(res->header("x-request-id") == "trace-42");
    CHECK(res->body.find("secret-bucket") == std::string::npos);
    CHECK(res->body.find("10.0.0.7") == std::string::npos);
    CHECK(nlohmann::json::parse(res->body).at("error").at("request_id") == "trace-42");
}

TEST_CASE("http server: HEAD, 405 with Allow, JSON 404") {
    TestServer t;
    RawConnection c(t.port());
    REQUIRE(c.send("HEAD /healthz HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto head = c.read_response(2s, true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("content-length") == "15");
    CHECK(head->body.empty());  // Content-Length describes the GET body, none is sent
    REQUIRE(c.send("DELETE /echo HTTP/1.1\r\nHost: t\r\n\r\n"));
    auto wrong = c.read_response(2s);
    REQUIRE(wrong);
    CHECK(wrong->status == 405);
    CHECK(wrong->header("allow").find("POST") != std::string::npos);
    REQUIRE(c.send(get("/nowhere")));
    auto missing = c.read_response(2s);
    REQUIRE(missing);
    CHECK(missing->status == 404);
    CHECK(nlohmann::json::parse(missing->body).at("error").at("code") == "not_found");
}

TEST_CASE("http server: CORS preflight and response headers for configured origins only") {
    TestServer t;
    t.server.set_cors(http::CorsPolicy("https://app.example.com"));
    RawConnection c(t.port());
    REQUIRE(
        c.send("OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example.com\r\n"
               "Access-Control-Request-Method: POST\r\n"
               "Access-Control-Request-Headers: authorization, content-type\r\n\r\n"));
    auto preflight = c.read_response(2s);
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    CHECK(preflight->header("access-control-allow-origin") == "https://app.example.com");
    CHECK(preflight->header("access-control-allow-methods").find("POST") != std::string::npos);
    CHECK(preflight->header("access-control-allow-headers").find("Authorization") !=
          std::string::npos);
    REQUIRE(
        c.send("OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\n"
               "Access-Control-Request-Method: POST\r\n\r\n"));
    auto refused = c.read_response(2s);
    REQUIRE(refused);
    CHECK(refused->status == 403);
    CHECK(refused->header("access-control-allow-origin").empty());
    REQUIRE(c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example.com\r\n\r\n"));
    auto simple = c.read_response(2s);
    REQUIRE(simple);
    CHECK(simple->header("access-control-allow-origin") == "https://app.example.com");
    CHECK(simple->header("vary") == "Origin");
    CHECK(simple->header("access-control-expose-headers").find("ETag") != std::string::npos);
}
