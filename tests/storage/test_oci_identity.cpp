// FOTOGAL_OCI_AUTH=instance_principal and workload_identity against oci_identity_server.py: a
// metadata service with CA-issued certificates, an x509 federation endpoint and a proxymux
// token exchange that verify what they are sent, and Object Storage that verifies every
// ST$<token> signature with the token's session public key and refuses expired tokens.
// Tokens of a few seconds make the stores refresh while many threads keep using them.
#include <doctest/doctest.h>

#include <atomic>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "child_process.hpp"
#include "common/storage/http_client.hpp"
#include "common/storage/object_store.hpp"
#include "common/storage/oci_instance_principal.hpp"
#include "temp_dir.hpp"

namespace {

using namespace fotogal::storage;
using namespace fotogal::test;
using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

constexpr const char* kServiceAccountToken = "eyJhbGciOiJSUzI1NiJ9.fotogal-test-sa.c2ln";

struct IdentityServer {
    TempDir dir;
    std::unique_ptr<ChildProcess> process;
    std::string endpoint;
    HttpClient control;

    explicit IdentityServer(int token_lifetime_seconds) {
        process = std::make_unique<ChildProcess>(std::vector<std::string>{
            "python3", FOTOGAL_OCI_IDENTITY_SERVER, "--sa-token", kServiceAccountToken,
            "--token-lifetime", std::to_string(token_lifetime_seconds)});
        std::string line = process->first_line(30s);
        REQUIRE(line.starts_with("port "));
        endpoint = "http://127.0.0.1:" + line.substr(5);
        std::ofstream(dir.path() / "sa-token") << kServiceAccountToken << "\n";
    }
    nlohmann::json get(const std::string& path) {
        auto r = control.perform({"GET", endpoint + path, {}, {}, std::nullopt});
        return nlohmann::json::parse(r.text());
    }
    int identity_stat(const char* name) { return get("/_test/identity").value(name, -1); }
    void rotate_certificates() {
        REQUIRE(
            control.perform({"POST", endpoint + "/_test/rotate", {}, {}, std::nullopt}).status ==
            200);
    }

    std::map<std::string, std::string> instance_principal_settings() const {
        return {{"FOTOGAL_OCI_AUTH", "instance_principal"},
                {"FOTOGAL_OCI_METADATA_URL", endpoint + "/opc/v2"},
                {"FOTOGAL_OCI_FEDERATION_URL", endpoint + "/v1/x509"}};
    }
    std::map<std::string, std::string> workload_identity_settings() const {
        return {{"FOTOGAL_OCI_AUTH", "workload_identity"},
                {"FOTOGAL_OCI_PROXYMUX_URL", endpoint + "/resourcePrincipalSessionTokens"},
                {"FOTOGAL_OCI_SA_TOKEN_FILE", (dir.path() / "sa-token").string()},
                {"OCI_RESOURCE_PRINCIPAL_REGION", "eu-frankfurt-1"}};
    }
    std::unique_ptr<ObjectStore> open(std::map<std::string, std::string> settings) const {
        return open_object_store("oci://testns/photos?endpoint=" + endpoint,
                                 [settings](const std::string& name) {
                                     auto it = settings.find(name);
                                     return it == settings.end() ? std::string() : it->second;
                                 });
    }
};

Bytes bytes_of(const std::string& s) {
    return {s.begin(), s.end()};
}

// Round trips on `threads` threads until `done` holds or the deadline passes; returns how
// many requests failed (each failure's message is reported).
template <class Done>
int hammer(ObjectStore& store, int threads, Done done, std::chrono::seconds limit) {
    std::atomic<bool> stop{false};
    std::atomic<int> failures{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (int i = 0; !stop; ++i) {
                std::string key = "t" + std::to_string(t) + "/" + std::to_string(i % 4);
                Bytes data = bytes_of(key + "#" + std::to_string(i));
                try {
                    store.put(key, data, "application/octet-stream");
                    if (store.get(key) != data) ++failures;
                } catch (const std::exception& e) {
                    MESSAGE("request failed: " << e.what());
                    ++failures;
                }
            }
        });
    auto deadline = std::chrono::steady_clock::now() + limit;
    bool reached = false;
    while (!reached && std::chrono::steady_clock::now() < deadline) {
        reached = done();
        if (!reached) std::this_thread::sleep_for(50ms);  // polling interval, not a sync
    }
    stop = true;
    for (auto& w : workers) w.join();
    CHECK_MESSAGE(reached, "the condition was not reached before the deadline");
    return failures;
}

}  // namespace

TEST_CASE("OCI identity: instance principal signs with a federated session token") {
    IdentityServer server(3600);
    auto store = server.open(server.instance_principal_settings());
    Bytes data = bytes_of("a photo");
    store->put("originals/a.jpg", data, "image/jpeg");
    CHECK(store->get("originals/a.jpg") == data);
    CHECK(store->list("originals/", "", 10).objects.size() == 1);
    store->remove("originals/a.jpg");
    CHECK(server.identity_stat("federations") == 1);
    CHECK(server.identity_stat("bad_federations") == 0);
    CHECK(server.identity_stat("session_requests") == 4);
    CHECK(server.identity_stat("metadata") == 4);  // the region, then the certificates once
    CHECK(server.get("/_test/stats").value("rejected", -1) == 0);
}

TEST_CASE("OCI identity: instance principal takes its region and federation URL from IMDS") {
    IdentityServer server(3600);
    InstancePrincipalOptions o;
    o.metadata_url = server.endpoint + "/opc/v2/";
    InstancePrincipalSource source(o);
    CHECK(source.region() == "us-ashburn-1");
    CHECK(source.federation_url() == "https://auth.us-ashburn-1.oraclecloud.com/v1/x509");
    // Without the metadata service there is no identity, and the error says where it looked.
    InstancePrincipalOptions nowhere;
    nowhere.metadata_url = server.endpoint + "/not-imds";
    CHECK_THROWS_WITH_AS(InstancePrincipalSource{nowhere}, doctest::Contains("instance metadata"),
                         StorageError);
}

TEST_CASE("OCI identity: instance principal refreshes before expiry across a rotation") {
    IdentityServer server(4);
    auto store = server.open(server.instance_principal_settings());
    bool rotated = false;
    int failures = hammer(
        *store, 3,
        [&] {
            int federations = server.identity_stat("federations");
            if (federations == 2 && !rotated) {
                server.rotate_certificates();  // the third federation must use the new leaf
                rotated = true;
            }
            return rotated && federations >= 3;
        },
        60s);
    CHECK(failures == 0);
    CHECK(server.identity_stat("bad_federations") == 0);
    CHECK(server.identity_stat("expired") == 0);
    CHECK(server.get("/_test/stats").value("rejected", -1) == 0);
}

TEST_CASE("OCI identity: workload identity exchanges the service-account token") {
    IdentityServer server(3600);
    auto store = server.open(server.workload_identity_settings());
    Bytes data = bytes_of("another photo");
    store->put("originals/b.jpg", data, "image/jpeg");
    CHECK(store->get("originals/b.jpg") == data);
    CHECK(server.identity_stat("exchanges") == 1);
    CHECK(server.identity_stat("bad_exchanges") == 0);
    CHECK(server.identity_stat("session_requests") == 2);
}

TEST_CASE("OCI identity: workload identity refreshes before expiry, no request fails") {
    IdentityServer server(4);
    auto store = server.open(server.workload_identity_settings());
    int failures = hammer(
        *store, 3, [&] { return server.identity_stat("exchanges") >= 3; }, 60s);
    CHECK(failures == 0);
    CHECK(server.identity_stat("bad_exchanges") == 0);
    CHECK(server.identity_stat("expired") == 0);
    CHECK(server.get("/_test/stats").value("rejected", -1) == 0);
}

TEST_CASE("OCI identity: a refused service-account token is a permanent, explained error") {
    IdentityServer server(3600);
    auto settings = server.workload_identity_settings();
    std::ofstream(server.dir.path() / "wrong-token") << "not-the-pod-token";
    settings["FOTOGAL_OCI_SA_TOKEN_FILE"] = (server.dir.path() / "wrong-token").string();
    auto store = server.open(settings);
    try {
        store->put("k", bytes_of("x"), "text/plain");
        FAIL("the put should have been refused");
    } catch (const StorageError& e) {
        CHECK_FALSE(e.transient());
        CHECK(std::string(e.what()).find("HTTP 401") != std::string::npos);
        CHECK(std::string(e.what()).find("enhanced OKE clusters") != std::string::npos);
    }
    CHECK(server.identity_stat("bad_exchanges") == 1);
}

TEST_CASE("OCI identity: FOTOGAL_OCI_AUTH must name a known identity") {
    auto lookup = [](const std::string& name) -> std::string {
        return name == "FOTOGAL_OCI_AUTH" ? "resource_principal" : "";
    };
    CHECK_THROWS_WITH_AS(open_object_store("oci://ns/b?region=us-ashburn-1", lookup),
                         doctest::Contains("api_key, instance_principal, workload_identity"),
                         StorageError);
    auto no_cluster = [](const std::string& name) -> std::string {
        return name == "FOTOGAL_OCI_AUTH" ? "workload_identity" : "";
    };
    CHECK_THROWS_WITH_AS(open_object_store("oci://ns/b?region=us-ashburn-1", no_cluster),
                         doctest::Contains("KUBERNETES_SERVICE_HOST"), StorageError);
}
