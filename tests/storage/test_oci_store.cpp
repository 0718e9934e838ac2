// The oci:// backend against oci_test_server.py, a local plain-HTTP Object Storage stand-in
// that verifies every request's signature with the public key (and answers 401 otherwise):
// put/get/head/delete, list with paging, multipart upload, if-none-match, retries, errors.
#include <doctest/doctest.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "child_process.hpp"
#include "common/digest.hpp"
#include "common/storage/http_client.hpp"
#include "common/storage/object_store.hpp"
#include "common/storage/oci_signer.hpp"
#include "common/storage/signing_crypto.hpp"
#include "storage/oci_test_key.hpp"
#include "temp_dir.hpp"

namespace {

using namespace fotogal::storage;
using namespace fotogal::test;
using Bytes = std::vector<std::uint8_t>;

Bytes random_bytes(std::size_t n, unsigned seed) {
    std::mt19937_64 rng(seed);
    Bytes out(n);
    for (auto& b : out) b = static_cast<std::uint8_t>(rng());
    return out;
}

Bytes text(const std::string& s) {
    return {s.begin(), s.end()};
}

// An OCI test server trusting `public_key` for `key_id`, and a store client for it.
struct OciServer {
    TempDir dir;
    std::unique_ptr<ChildProcess> process;
    std::string endpoint;
    HttpClient control;

    OciServer(const std::string& public_key, const std::string& key_id) {
        std::ofstream(dir.path() / "public.pem") << public_key;
        process = std::make_unique<ChildProcess>(
            std::vector<std::string>{"python3", FOTOGAL_OCI_TEST_SERVER, "--public-key",
                                     (dir.path() / "public.pem").string(), "--key-id", key_id});
        std::string line = process->first_line(std::chrono::seconds(20));
        REQUIRE(line.starts_with("port "));
        endpoint = "http://127.0.0.1:" + line.substr(5);
    }
    nlohmann::json stats() {
        auto r = control.perform({"GET", endpoint + "/_test/stats", {}, {}, std::nullopt});
        return nlohmann::json::parse(r.text());
    }
    void inject(int status, const std::string& code, int count, int after = 0) {
        std::string body = nlohmann::json{
            {"status", status},
            {"code", code},
            {"count", count},
            {"after", after}}.dump();
        HttpRequest r{"POST",
                      endpoint + "/_test/faults",
                      {{"content-type", "application/json"}},
                      crypto::as_bytes(body),
                      std::nullopt};
        REQUIRE(control.perform(r).status == 200);
    }
};

std::string test_key_id() {
    return std::string(kOciTestTenancy) + "/" + kOciTestUser + "/" + kOciTestFingerprint;
}

// Credentials through FOTOGAL_OCI_* settings only, with the given PEM key.
SettingLookup settings_with_key(std::string pem) {
    return [pem](const std::string& name) -> std::string {
        if (name == "FOTOGAL_OCI_USER") return kOciTestUser;
        if (name == "FOTOGAL_OCI_TENANCY") return kOciTestTenancy;
        if (name == "FOTOGAL_OCI_KEY_CONTENT") return pem;
        if (name == "FOTOGAL_OCI_CONFIG") return "";
        return "";
    };
}

std::unique_ptr<ObjectStore> open_store(const OciServer& server, const std::string& extra = "",
                                        const std::string& pem = kOciTestPrivateKey) {
    return open_object_store(
        "oci://testns/photos?region=us-ashburn-1&endpoint=" + server.endpoint + extra,
        settings_with_key(pem));
}

std::string new_rsa_key_pem() {
    EVP_PKEY* key = EVP_RSA_gen(2048);
    REQUIRE(key != nullptr);
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    EVP_PKEY_free(key);
    return pem;
}

}  // namespace

TEST_CASE("OCI store: put, get, head, delete through signed requests") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server);
    const std::string key = "originals/a b+c&d é.jpg";
    CHECK_FALSE(store->get(key));
    CHECK_FALSE(store->head(key));
    Bytes data = random_bytes(100'000, 1);
    store->put(key, data, "image/jpeg");
    CHECK(store->get(key) == data);
    auto info = store->head(key);
    REQUIRE(info);
    CHECK(info->size == data.size());
    store->put("empty", {}, "application/octet-stream");
    CHECK(store->get("empty") == Bytes{});
    store->remove(key);
    store->remove(key);  // absent is fine
    CHECK_FALSE(store->get(key));
    auto stats = server.stats();
    CHECK(stats["rejected"] == 0);
    // One connection served the whole sequence: handles are pooled and kept alive.
    CHECK(stats["connections"].get<int>() <= 2);
    CHECK(stats["requests"].get<int>() >= 9);
    CHECK(store->describe().find("oci://testns/photos") == 0);
}

TEST_CASE("OCI store: list by prefix with paging (start / nextStartWith)") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server);
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
        CHECK(page.objects.size() == 10);
        after = *page.next_start_after;
    }
    CHECK(pages == 3);
    REQUIRE(seen.size() == 25);
    CHECK(seen.front() == "renditions/00");
    CHECK(seen.back() == "renditions/24");
    CHECK(std::is_sorted(seen.begin(), seen.end()));
    CHECK(store->list("", "", 1000).objects.size() == 26);
    CHECK(store->list("nothing/", "", 10).objects.empty());
}

TEST_CASE("OCI store: a key prefix in the URL scopes every operation") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto scoped = open_store(server);
    auto tenant = open_object_store("oci://testns/photos/tenant-a?endpoint=" + server.endpoint,
                                    settings_with_key(kOciTestPrivateKey));
    tenant->put("originals/1", text("one"), "text/plain");
    CHECK(scoped->get("tenant-a/originals/1") == text("one"));
    auto page = tenant->list("originals/", "", 10);
    REQUIRE(page.objects.size() == 1);
    CHECK(page.objects[0].key == "originals/1");
}

TEST_CASE("OCI store: multipart upload from memory and from a file, streamed download") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "&part_size=1MiB&multipart_threshold=2MiB");
    Bytes data = random_bytes((5u << 20) + 12345, 2);
    store->put("originals/big", data, "image/jpeg");
    auto stats = server.stats();
    CHECK(stats["uploads"] == 1);
    CHECK(stats["commits"] == 1);
    CHECK(stats["open_uploads"] == 0);
    CHECK(store->head("originals/big")->size == data.size());
    CHECK(fotogal::sha256_hex(*store->get("originals/big")) == fotogal::sha256_hex(data));

    TempDir dir;
    std::ofstream(dir.path() / "in.bin", std::ios::binary)
        .write(reinterpret_cast<const char*>(data.data()),
               static_cast<std::streamsize>(data.size()));
    store->put_file("originals/from-file", dir.path() / "in.bin", "image/jpeg");
    CHECK(server.stats()["commits"] == 2);
    REQUIRE(store->get_file("originals/from-file", dir.path() / "out.bin"));
    std::ifstream in(dir.path() / "out.bin", std::ios::binary);
    Bytes back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(back == data);
    CHECK_FALSE(store->get_file("originals/none", dir.path() / "none.bin"));
    CHECK(server.stats()["rejected"] == 0);
}

TEST_CASE("OCI store: a failed multipart upload is aborted, not left behind") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "&part_size=1MiB&multipart_threshold=1MiB&retries=0");
    Bytes data = random_bytes(3u << 20, 3);
    server.inject(400, "InvalidParameter", 1, 2);  // create and part 1 pass, part 2 fails
    CHECK_THROWS_WITH_AS(store->put("originals/failed", data, "image/jpeg"),
                         doctest::Contains("upload part 2 of 'originals/failed' failed: HTTP 400"),
                         StorageError);
    auto stats = server.stats();
    CHECK(stats["uploads"] == 1);
    CHECK(stats["aborts"] == 1);
    CHECK(stats["open_uploads"] == 0);
    CHECK_FALSE(store->head("originals/failed"));
}

TEST_CASE("OCI store: if-none-match: * makes put_if_absent safe") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server);
    CHECK(store->put_if_absent("manifests/1.json", text("first"), "application/json"));
    CHECK_FALSE(store->put_if_absent("manifests/1.json", text("second"), "application/json"));
    CHECK(store->get("manifests/1.json") == text("first"));
    CHECK(server.stats()["conditional_rejects"] == 1);
}

TEST_CASE("OCI store: 503, 429 and 409 IncorrectState are retried, 501 and 400 are not") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "&retries=5");  // the stores retry only when asked
    server.inject(503, "ServiceUnavailable", 2);
    store->put("a", text("a"), "text/plain");
    server.inject(429, "TooManyRequests", 1);
    server.inject(409, "IncorrectState", 1);
    CHECK(store->get("a") == text("a"));
    int before = server.stats()["requests"];
    server.inject(501, "MethodNotImplemented", 1);
    try {
        store->get("a");
        FAIL("no error");
    } catch (const StorageError& e) {
        CHECK_FALSE(e.transient());
        CHECK(std::string(e.what()).find("HTTP 501 MethodNotImplemented") != std::string::npos);
    }
    CHECK(server.stats()["requests"].get<int>() == before + 1);
    server.inject(409, "Conflict", 1);
    CHECK_THROWS_AS(store->get("a"), StorageError);
}

TEST_CASE("OCI store: a signature by the wrong key is refused with 401 and a clear error") {
    std::string wrong_pem = new_rsa_key_pem();
    auto wrong_key = load_private_key(wrong_pem, "", "test");
    // The server knows this keyId, but with the Oracle test key's public half: the signature
    // made with the other private key must not verify.
    std::string key_id =
        std::string(kOciTestTenancy) + "/" + kOciTestUser + "/" + key_fingerprint(wrong_key.get());
    OciServer server(kOciTestPublicKey, key_id);
    auto store = open_store(server, "", wrong_pem);
    try {
        store->put("originals/x", text("x"), "image/jpeg");
        FAIL("no error");
    } catch (const StorageError& e) {
        std::string m = e.what();
        CHECK_FALSE(e.transient());
        CHECK(m.find("put 'originals/x'") != std::string::npos);
        CHECK(m.find("HTTP 401 NotAuthenticated") != std::string::npos);
        CHECK(m.find("signature does not verify") != std::string::npos);
        CHECK(m.find("request id ") != std::string::npos);
        CHECK(m.find("PRIVATE KEY") == std::string::npos);
    }
    CHECK(server.stats()["rejected"] == 1);  // 401 is not retried
}

TEST_CASE("OCI store: an unreachable endpoint is a transient network error after retries") {
    auto store = open_object_store(
        "oci://testns/photos?endpoint=http://127.0.0.1:21999&retries=1&connect_timeout=2",
        settings_with_key(kOciTestPrivateKey));
    try {
        store->head("k");
        FAIL("no error");
    } catch (const StorageError& e) {
        CHECK(e.transient());
        CHECK(std::string(e.what()).find("head 'k' failed: network error") != std::string::npos);
    }
}

namespace {

HttpResponse unsigned_request(const std::string& method, const std::string& url,
                              const Bytes& body = {}) {
    HttpClient http;
    return http.perform({method, url, {}, body, std::nullopt});
}

}  // namespace

TEST_CASE("OCI store: a pre-authenticated request reads the object without a signature") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "", kOciTestPrivateKey);
    const std::string key = "renditions/id/a b.jpg";
    Bytes data = random_bytes(50'000, 9);
    store->put(key, data, "image/jpeg");
    auto url = store->presigned_get_url(key, std::chrono::seconds(60));
    REQUIRE(url);
    CHECK(url->starts_with(server.endpoint + "/p/"));
    CHECK(server.stats().at("pars") == 1);  // created through the signed API call
    auto r = unsigned_request("GET", *url);
    REQUIRE_MESSAGE(r.status == 200, r.text());
    CHECK(r.body == data);
    CHECK(unsigned_request("PUT", *url, text("overwrite")).status == 404);  // read only
    std::string tampered = *url;
    tampered[server.endpoint.size() + 4] ^= 1;  // a character of the token
    CHECK(unsigned_request("GET", tampered).status == 404);

    {  // once it has expired (the server's clock moved past it), it opens nothing
        HttpRequest advance{"POST", server.endpoint + "/_test/advance", {}, {}, std::nullopt};
        std::string body = R"({"seconds": 61})";
        advance.body = crypto::as_bytes(body);
        REQUIRE(server.control.perform(advance).status == 200);
        auto expired = unsigned_request("GET", *url);
        CHECK(expired.status == 404);
        CHECK(expired.text().find("NotAuthorizedOrNotFound") != std::string::npos);
    }
}

TEST_CASE("OCI store: a pre-authenticated write request stores the bytes") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "", kOciTestPrivateKey);
    auto url = store->presigned_put_url("originals/direct", std::chrono::seconds(60), "image/png");
    REQUIRE(url);
    Bytes data = random_bytes(20'000, 4);
    auto r = unsigned_request("PUT", *url, data);
    REQUIRE_MESSAGE(r.status == 200, r.text());
    CHECK(store->get("originals/direct") == data);
    CHECK(unsigned_request("GET", *url).status == 404);  // write only
}

TEST_CASE("OCI store: a PAR request with a bad signature is refused like any other call") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "", new_rsa_key_pem());  // not the key the server trusts
    CHECK_THROWS_WITH_AS(store->presigned_get_url("k", std::chrono::seconds(60)),
                         doctest::Contains("HTTP 401 NotAuthenticated"), StorageError);
    CHECK(server.stats().value("pars", 0) == 0);
}

TEST_CASE("OCI store: a presigned upload is a write-only PAR for that one object, for minutes") {
    OciServer server(kOciTestPublicKey, test_key_id());
    auto store = open_store(server, "", kOciTestPrivateKey);
    auto upload = store->presigned_upload("originals/upload-1", std::chrono::seconds(900),
                                          {"image/jpeg", 20'000, "alice"});
    REQUIRE(upload);
    CHECK(upload->url.starts_with(server.endpoint + "/p/"));
    CHECK(upload->url.ends_with("/n/testns/b/photos/o/originals%2Fupload-1"));
    // The owner is not offered as opc-meta-owner: on a PAR upload it would be the client's word.
    CHECK(upload->headers == HeaderList{{"Content-Type", "image/jpeg"}});
    {  // what the signed CreatePreauthenticatedRequest call asked for
        auto r =
            server.control.perform({"GET", server.endpoint + "/_test/pars", {}, {}, std::nullopt});
        auto pars = nlohmann::json::parse(r.text());
        REQUIRE(pars.size() == 1);
        CHECK(pars[0].at("accessType") == "ObjectWrite");
        CHECK(pars[0].at("objectName") == "originals/upload-1");
        CHECK(pars[0].at("secondsLeft").get<double>() > 850);
        CHECK(pars[0].at("secondsLeft").get<double>() <= 900);
    }
    HttpClient http;
    Bytes data = random_bytes(20'000, 11);
    std::string other_object = upload->url.substr(0, upload->url.rfind("upload-1")) + "upload-2";
    CHECK(http.perform({"PUT", other_object, upload->headers, data, std::nullopt}).status == 404);
    auto r = http.perform({"PUT", upload->url, upload->headers, data, std::nullopt});
    REQUIRE_MESSAGE(r.status == 200, r.text());
    CHECK(store->get("originals/upload-1") == data);
    CHECK_FALSE(store->head("originals/upload-2"));

    HttpRequest advance{"POST", server.endpoint + "/_test/advance", {}, {}, std::nullopt};
    std::string body = R"({"seconds": 901})";
    advance.body = crypto::as_bytes(body);
    REQUIRE(server.control.perform(advance).status == 200);
    auto late = http.perform({"PUT", upload->url, upload->headers, text("late"), std::nullopt});
    CHECK(late.status == 404);
    CHECK(store->get("originals/upload-1") == data);  // the expired PAR changed nothing
}
