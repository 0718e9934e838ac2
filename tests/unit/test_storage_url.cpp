// common/storage/storage_url and open_object_store's checks of s3:// and oci:// URLs.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "common/storage/object_store.hpp"
#include "common/storage/storage_url.hpp"

using namespace fotogal::storage;

TEST_CASE("storage URL: scheme, authority, path and decoded parameters") {
    auto u = parse_storage_url(
        "oci://my-ns/photos/"
        "tenant%20a?region=eu-frankfurt-1&endpoint=http%3A%2F%2F127.0.0.1%3A9000");
    CHECK(u.scheme == "oci");
    CHECK(u.authority == "my-ns");
    CHECK(u.path == "photos/tenant a");
    CHECK(u.param("region") == "eu-frankfurt-1");
    CHECK(u.param("endpoint") == "http://127.0.0.1:9000");
    CHECK(u.param("missing", "x") == "x");
    auto s = parse_storage_url("s3://bucket?part_size=8MiB&multipart_threshold=1048576");
    CHECK(s.authority == "bucket");
    CHECK(s.path.empty());
    CHECK(s.size_param("part_size", 1) == 8u << 20);
    CHECK(s.size_param("multipart_threshold", 1) == 1048576);
    CHECK(s.size_param("absent", 7) == 7);
    CHECK_THROWS_AS(parse_storage_url("s3://b?part_size=lots").size_param("part_size", 1),
                    StorageError);
    CHECK_THROWS_AS(parse_storage_url("s3:///key"), StorageError);
}

TEST_CASE("percent-encoding keeps only RFC 3986 unreserved characters") {
    CHECK(uri_encode("a b/c~d-e_f.g$", false) == "a%20b%2Fc~d-e_f.g%24");
    CHECK(uri_encode("originals/0190", true) == "originals/0190");
    CHECK(uri_decode("a%20b%2Fc%zz") == "a b/c%zz");
    CHECK(host_of("http://127.0.0.1:21070/x") == "127.0.0.1:21070");
    CHECK(host_of("https://objectstorage.eu-frankfurt-1.oraclecloud.com") ==
          "objectstorage.eu-frankfurt-1.oraclecloud.com");
}

TEST_CASE("open_object_store: clear errors for s3:// and oci:// URLs it cannot use") {
    std::map<std::string, std::string> env;
    SettingLookup lookup = [&](const std::string& n) { return env.count(n) ? env[n] : ""; };
    auto message = [&](const std::string& url) {
        try {
            open_object_store(url, lookup);
        } catch (const StorageError& e) {
            CHECK_FALSE(e.transient());
            return std::string(e.what());
        }
        return std::string("<no error>");
    };
    CHECK(message("s3://bucket?endpoint=http://127.0.0.1:1").find("AWS_ACCESS_KEY_ID") !=
          std::string::npos);
    env["AWS_ACCESS_KEY_ID"] = "id";
    env["AWS_SECRET_ACCESS_KEY"] = "very-secret";
    CHECK(message("s3://bucket?endpoint=http://127.0.0.1:1&colour=blue").find("'colour'") !=
          std::string::npos);
    CHECK(message("s3://bucket?endpoint=ftp://x").find("http://") != std::string::npos);
    CHECK(message("s3://bucket?endpoint=http://127.0.0.1:1") == "<no error>");
    CHECK(message("oci://ns").find("no bucket") != std::string::npos);
    env["FOTOGAL_OCI_CONFIG"] = "/nonexistent/oci-config";
    CHECK(message("oci://ns/bucket?region=r").find("/nonexistent/oci-config") != std::string::npos);
}
