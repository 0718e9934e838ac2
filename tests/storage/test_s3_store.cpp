// The s3:// backend against a real S3 server on loopback (versitygw, started by
// scripts/s3server.sh through the CTest fixture), which checks every SigV4 signature:
// all operations, a 64 MiB multipart round trip with checksum, wrong credentials.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>

#include "common/digest.hpp"
#include "common/storage/http_client.hpp"
#include "common/storage/object_store.hpp"
#include "common/storage/sigv4_signer.hpp"
#include "common/storage/storage_url.hpp"
#include "temp_dir.hpp"

namespace {

using namespace fotogal::storage;
using Bytes = std::vector<std::uint8_t>;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string endpoint() {
    std::string e = env("FOTOGAL_TEST_S3_ENDPOINT");
    REQUIRE_MESSAGE(!e.empty(),
                    "FOTOGAL_TEST_S3_ENDPOINT is not set: run through CTest, whose "
                    "fixture starts scripts/s3server.sh");
    return e;
}

Bytes random_bytes(std::size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    Bytes out(n);
    for (std::size_t i = 0; i + 8 <= n; i += 8) {
        auto v = rng();
        std::memcpy(out.data() + i, &v, 8);
    }
    return out;
}

Bytes text(const std::string& s) {
    return {s.begin(), s.end()};
}

// A signed request outside the store's interface (bucket creation, raw HEAD).
HttpResponse raw(const std::string& method, const std::string& path) {
    SigV4Signer signer({env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), ""}, "us-east-1");
    SigV4Request r{method,
                   path,
                   {},
                   host_of(endpoint()),
                   "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                   {}};
    HttpClient http;
    return http.perform(
        {method, endpoint() + path, signer.sign(r, std::time(nullptr)), {}, std::nullopt});
}

// A fresh bucket per test case, so runs never see each other's objects.
std::string new_bucket() {
    static std::mt19937_64 rng{std::random_device{}()};
    std::string name = "fotogal-test-" + std::to_string(rng() % 1000000000);
    auto r = raw("PUT", "/" + name);
    REQUIRE_MESSAGE(r.status == 200, "create bucket: HTTP " << r.status << " " << r.text());
    return name;
}

std::unique_ptr<ObjectStore> open_bucket(const std::string& bucket, const std::string& extra = "") {
    return open_object_store("s3://" + bucket + "?region=us-east-1&endpoint=" + endpoint() + extra);
}

}  // namespace

TEST_CASE("S3 store (versitygw): put, get, head, delete") {
    auto store = open_bucket(new_bucket());
    const std::string key = "originals/a b+c&d é.jpg";
    CHECK_FALSE(store->get(key));
    CHECK_FALSE(store->head(key));
    Bytes data = random_bytes(200'000, 1);
    store->put(key, data, "image/jpeg");
    CHECK(store->get(key) == data);
    REQUIRE(store->head(key));
    CHECK(store->head(key)->size == data.size());
    store->put(key, text("replaced"), "text/plain");
    CHECK(store->get(key) == text("replaced"));
    store->put("empty", {}, "application/octet-stream");
    CHECK(store->get("empty") == Bytes{});
    store->remove(key);
    store->remove(key);
    CHECK_FALSE(store->get(key));
}

TEST_CASE("S3 store (versitygw): ListObjectsV2 by prefix with paging") {
    std::string bucket = new_bucket();
    auto store = open_bucket(bucket);
    for (int i = 0; i < 25; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "renditions/%02d", i);
        store->put(name, text(name), "text/plain");
    }
    store->put("manifests/x.json", text("{}"), "application/json");
    std::vector<std::string> seen;
    std::string after;
    int pages = 0;
    for (;;) {
        ListPage page = store->list("renditions/", after, 10);
        ++pages;
        for (auto& o : page.objects) {
            seen.push_back(o.key);
            CHECK(o.size == o.key.size());
        }
        if (!page.next_start_after) break;
        after = *page.next_start_after;
    }
    CHECK(pages == 3);
    REQUIRE(seen.size() == 25);
    CHECK(seen.front() == "renditions/00");
    CHECK(seen.back() == "renditions/24");
    CHECK(store->list("", "", 1000).objects.size() == 26);
    auto scoped = open_bucket(bucket + "/renditions");
    CHECK(scoped->list("", "", 100).objects.size() == 25);
    CHECK(scoped->get("07") == text("renditions/07"));
}

TEST_CASE("S3 store (versitygw): 64 MiB multipart round trip with checksum") {
    auto bucket = new_bucket();
    auto store = open_bucket(bucket);  // defaults: parts of 16 MiB from 32 MiB on
    Bytes data = random_bytes(64u << 20, 7);
    std::string sum = fotogal::sha256_hex(data);
    auto t0 = std::chrono::steady_clock::now();
    store->put("originals/big", data, "application/octet-stream");
    auto t1 = std::chrono::steady_clock::now();
    auto back = store->get("originals/big");
    auto t2 = std::chrono::steady_clock::now();
    REQUIRE(back);
    CHECK(back->size() == data.size());
    CHECK(fotogal::sha256_hex(*back) == sum);
    // An S3 multipart object's ETag ends with -{number of parts}.
    auto head = raw("HEAD", "/" + bucket + "/originals/big");
    CHECK(head.header("etag").find("-4") != std::string::npos);
    auto ms = [](auto d) {
        return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    };
    MESSAGE("64 MiB from memory: put " << ms(t1 - t0) << " ms, get " << ms(t2 - t1) << " ms");

    fotogal::test::TempDir dir;
    std::ofstream(dir.path() / "in.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
    auto t3 = std::chrono::steady_clock::now();
    store->put_file("originals/big-file", dir.path() / "in.bin", "application/octet-stream");
    auto t4 = std::chrono::steady_clock::now();
    REQUIRE(store->get_file("originals/big-file", dir.path() / "out.bin"));
    auto t5 = std::chrono::steady_clock::now();
    std::ifstream in(dir.path() / "out.bin", std::ios::binary);
    Bytes file_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(fotogal::sha256_hex(file_back) == sum);
    MESSAGE("64 MiB from a file: put_file " << ms(t4 - t3) << " ms, get_file " << ms(t5 - t4)
                                            << " ms");
}

TEST_CASE("S3 store (versitygw): wrong credentials give a clear, permanent error") {
    auto bucket = new_bucket();
    std::string secret = env("AWS_SECRET_ACCESS_KEY");
    SettingLookup wrong = [](const std::string& n) -> std::string {
        if (n == "AWS_ACCESS_KEY_ID") return env("AWS_ACCESS_KEY_ID");
        if (n == "AWS_SECRET_ACCESS_KEY") return "not-the-secret-at-all";
        return "";
    };
    auto store = open_object_store("s3://" + bucket + "?endpoint=" + endpoint(), wrong);
    try {
        store->put("originals/x", text("x"), "image/jpeg");
        FAIL("no error");
    } catch (const StorageError& e) {
        std::string m = e.what();
        CHECK_FALSE(e.transient());
        CHECK(m.find("put 'originals/x' failed: HTTP 403 SignatureDoesNotMatch") !=
              std::string::npos);
        CHECK(m.find("request id") != std::string::npos);
        CHECK(m.find("not-the-secret-at-all") == std::string::npos);
        CHECK(m.find(secret) == std::string::npos);
    }
    SettingLookup unknown = [](const std::string& n) -> std::string {
        if (n == "AWS_ACCESS_KEY_ID") return "nobody";
        if (n == "AWS_SECRET_ACCESS_KEY") return "whatever";
        return "";
    };
    auto stranger = open_object_store("s3://" + bucket + "?endpoint=" + endpoint(), unknown);
    // Not "no such object": an unknown user's 4xx is an error, whatever status the server picks.
    CHECK_THROWS_WITH_AS(stranger->get("originals/x"),
                         doctest::Contains("get 'originals/x' failed: HTTP 40"), StorageError);
}

TEST_CASE("S3 store (versitygw): a missing bucket is named in the error") {
    auto store = open_bucket("fotogal-no-such-bucket");
    CHECK_THROWS_WITH_AS(store->put("k", text("v"), "text/plain"),
                         doctest::Contains("NoSuchBucket"), StorageError);
    // A get from a missing bucket is an error, never a silent "no such object".
    CHECK_THROWS_WITH_AS(store->get("k"), doctest::Contains("NoSuchBucket"), StorageError);
    CHECK_THROWS_WITH_AS(store->remove("k"), doctest::Contains("NoSuchBucket"), StorageError);
}

TEST_CASE("S3 store (versitygw): if-none-match: * makes put_if_absent safe") {
    auto store = open_bucket(new_bucket());
    CHECK(store->put_if_absent("manifests/1.json", text("first"), "application/json"));
    CHECK_FALSE(store->put_if_absent("manifests/1.json", text("second"), "application/json"));
    CHECK(store->get("manifests/1.json") == text("first"));
}

namespace {

// A request with no credentials at all, as a browser following a redirect sends it.
HttpResponse anonymous(const std::string& method, const std::string& url, const Bytes& body = {},
                       const std::string& content_type = "") {
    HttpClient http;
    HeaderList headers;
    if (!content_type.empty()) headers.push_back({"content-type", content_type});
    return http.perform({method, url, headers, body, std::nullopt});
}

}  // namespace

TEST_CASE("S3 store (versitygw): a presigned GET gives the bytes without credentials") {
    std::string bucket = new_bucket();
    auto store = open_bucket(bucket);
    const std::string key = "renditions/id/a b+é.jpg";
    Bytes data = random_bytes(70'000, 3);
    store->put(key, data, "image/jpeg");
    auto url = store->presigned_get_url(key, std::chrono::seconds(300));
    REQUIRE(url);
    CHECK(url->find("X-Amz-Signature=") != std::string::npos);
    CHECK(url->find(env("AWS_SECRET_ACCESS_KEY")) == std::string::npos);
    auto r = anonymous("GET", *url);
    REQUIRE_MESSAGE(r.status == 200, r.text());
    CHECK(r.body == data);

    // Tampered: another object under the same signature, or one signature digit changed.
    store->put("renditions/id/other.jpg", text("other"), "image/jpeg");
    std::string other = *url;
    other.replace(other.find("a%20b"), 5, "other");
    other.replace(other.find("%2B%C3%A9"), 9, "");
    CHECK(anonymous("GET", other).status == 403);
    std::string flipped = *url;
    flipped.back() = flipped.back() == '0' ? '1' : '0';
    CHECK(anonymous("GET", flipped).status == 403);
    // Without the query the object is not public.
    CHECK(anonymous("GET", url->substr(0, url->find('?'))).status == 403);
}

TEST_CASE("S3 store (versitygw): an expired presigned URL is refused") {
    std::string bucket = new_bucket();
    auto store = open_bucket(bucket);
    store->put("k", text("secret bytes"), "text/plain");
    // Signed an hour ago for one minute, by the same signer the store uses.
    SigV4Signer signer({env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), ""}, "us-east-1");
    SigV4Request r{"GET", "/" + bucket + "/k", {}, host_of(endpoint()), "", {}};
    std::string query = signer.presign(r, std::time(nullptr) - 3600, std::chrono::seconds(60));
    auto expired = anonymous("GET", endpoint() + r.canonical_uri + "?" + query);
    CHECK(expired.status == 403);
    CHECK(expired.text().find("xpired") != std::string::npos);  // versitygw says why
    // The same URL signed now works: the refusal was the expiry.
    query = signer.presign(r, std::time(nullptr), std::chrono::seconds(60));
    CHECK(anonymous("GET", endpoint() + r.canonical_uri + "?" + query).status == 200);
}

TEST_CASE("S3 store (versitygw): a presigned PUT stores the bytes, with its Content-Type only") {
    auto store = open_bucket(new_bucket());
    auto url = store->presigned_put_url("originals/direct", std::chrono::seconds(300), "image/png");
    REQUIRE(url);
    Bytes data = random_bytes(10'000, 5);
    CHECK(anonymous("PUT", *url, data, "image/jpeg").status == 403);  // not what was signed
    CHECK_FALSE(store->head("originals/direct"));
    auto r = anonymous("PUT", *url, data, "image/png");
    REQUIRE_MESSAGE(r.status == 200, r.text());
    CHECK(store->get("originals/direct") == data);
}

TEST_CASE("S3 store (versitygw): a presigned upload holds the client to its signed headers") {
    std::string bucket = new_bucket();
    auto store = open_bucket(bucket);
    Bytes data = random_bytes(12'345, 6);
    UploadConditions conditions{"image/jpeg", data.size(), "alice@example.com"};
    auto upload =
        store->presigned_upload("originals/upload-1", std::chrono::seconds(300), conditions);
    REQUIRE(upload);
    HeaderList expected{{"Content-Type", "image/jpeg"},
                        {"Content-Length", "12345"},
                        {"x-amz-meta-owner", "alice%40example.com"}};
    CHECK(upload->headers == expected);
    CHECK(upload->url.find("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-"
                           "meta-owner") != std::string::npos);
    HttpClient http;
    auto send = [&](const HeaderList& headers, const Bytes& body) {
        return http.perform({"PUT", upload->url, headers, body, std::nullopt});
    };
    HeaderList other_type = expected;
    other_type[0].second = "image/png";
    CHECK(send(other_type, data).status == 403);
    HeaderList no_owner(expected.begin(), expected.end() - 1);
    CHECK(send(no_owner, data).status == 403);
    HeaderList other_owner = expected;
    other_owner[2].second = "mallory";
    CHECK(send(other_owner, data).status == 403);
    Bytes longer = random_bytes(20'000, 6);  // libcurl sends its own, true Content-Length
    CHECK(send({expected[0], expected[2]}, longer).status == 403);
    CHECK_FALSE(store->head("originals/upload-1"));

    auto r = send(expected, data);  // exactly the headers it was given
    REQUIRE_MESSAGE(r.status == 200, r.text());
    CHECK(store->get("originals/upload-1") == data);
    // The owner is on the object for the worker to read (a HEAD answers x-amz-meta-owner).
    auto head = raw("HEAD", "/" + bucket + "/originals/upload-1");
    CHECK(head.header("x-amz-meta-owner") == "alice%40example.com");
}

TEST_CASE("S3 store (versitygw): a presigned upload past its expiry is refused") {
    std::string bucket = new_bucket();
    // Signed an hour ago for a minute, with the headers presigned_upload signs.
    SigV4Signer signer({env("AWS_ACCESS_KEY_ID"), env("AWS_SECRET_ACCESS_KEY"), ""}, "us-east-1");
    SigV4Request r{"PUT", "/" + bucket + "/originals/late", {}, host_of(endpoint()),
                   "",    {{"Content-Type", "image/jpeg"}}};
    Bytes data = random_bytes(1000, 7);
    std::string late = signer.presign(r, std::time(nullptr) - 3600, std::chrono::seconds(60));
    auto expired = anonymous("PUT", endpoint() + r.canonical_uri + "?" + late, data, "image/jpeg");
    CHECK(expired.status == 403);
    CHECK(expired.text().find("xpired") != std::string::npos);
    auto store = open_bucket(bucket);
    CHECK_FALSE(store->head("originals/late"));
    // Signed now, the same request is taken: the refusal was the expiry.
    std::string now = signer.presign(r, std::time(nullptr), std::chrono::seconds(60));
    CHECK(anonymous("PUT", endpoint() + r.canonical_uri + "?" + now, data, "image/jpeg").status ==
          200);
}
