// common/storage/oci_config: the OCI config file (profiles, DEFAULT inheritance, ~), the
// FOTOGAL_OCI_* settings that override it, and the fingerprint check.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <string>

#include "common/storage/oci_config.hpp"
#include "storage/oci_test_key.hpp"
#include "temp_dir.hpp"

namespace {

using namespace fotogal::storage;
using namespace fotogal::test;

struct Fixture {
    TempDir dir;
    std::map<std::string, std::string> env;
    SettingLookup lookup = [this](const std::string& n) { return env.count(n) ? env[n] : ""; };

    Fixture() {
        std::ofstream(dir.path() / "key.pem") << kOciTestPrivateKey;
        std::ofstream(dir.path() / "config")
            << "# comment\n[DEFAULT]\nuser=" << kOciTestUser
            << "\nfingerprint=" << kOciTestFingerprint
            << "\nkey_file=" << (dir.path() / "key.pem").string() << "\ntenancy=" << kOciTestTenancy
            << "\nregion=us-ashburn-1\n\n[OTHER]\nregion = eu-frankfurt-1\n"
            << "\n[WRONG]\nfingerprint=20:3b:97:13:55:1c:5b:0d:d3:37:d8:50:4e:c5:3a:34\n";
        env["FOTOGAL_OCI_CONFIG"] = (dir.path() / "config").string();
    }
};

}  // namespace

TEST_CASE("OCI config: the DEFAULT profile of the file") {
    Fixture f;
    OciCredentials c = load_oci_credentials(f.lookup);
    CHECK(c.user == kOciTestUser);
    CHECK(c.tenancy == kOciTestTenancy);
    CHECK(c.region == "us-ashburn-1");
    CHECK(c.key_id() ==
          std::string(kOciTestTenancy) + "/" + kOciTestUser + "/" + kOciTestFingerprint);
}

TEST_CASE("OCI config: a named profile inherits DEFAULT and overrides it") {
    Fixture f;
    f.env["FOTOGAL_OCI_PROFILE"] = "OTHER";
    CHECK(load_oci_credentials(f.lookup).region == "eu-frankfurt-1");
    f.env["FOTOGAL_OCI_PROFILE"] = "MISSING";
    CHECK_THROWS_WITH_AS(load_oci_credentials(f.lookup), doctest::Contains("[MISSING]"),
                         StorageError);
}

TEST_CASE("OCI config: FOTOGAL_OCI_* settings win over the file, or replace it") {
    Fixture f;
    f.env["FOTOGAL_OCI_REGION"] = "ap-tokyo-1";
    CHECK(load_oci_credentials(f.lookup).region == "ap-tokyo-1");

    std::map<std::string, std::string> env{{"FOTOGAL_OCI_CONFIG", ""},
                                           {"FOTOGAL_OCI_USER", kOciTestUser},
                                           {"FOTOGAL_OCI_TENANCY", kOciTestTenancy},
                                           {"FOTOGAL_OCI_KEY_CONTENT", kOciTestPrivateKey}};
    SettingLookup only_env = [&](const std::string& n) { return env.count(n) ? env[n] : ""; };
    OciCredentials c = load_oci_credentials(only_env);
    CHECK(c.fingerprint == kOciTestFingerprint);  // computed from the key when not given
}

TEST_CASE("OCI config: a fingerprint that is not the key's is refused up front") {
    Fixture f;
    f.env["FOTOGAL_OCI_PROFILE"] = "WRONG";
    CHECK_THROWS_WITH_AS(load_oci_credentials(f.lookup),
                         doctest::Contains("does not match the key"), StorageError);
}

TEST_CASE("OCI config: a missing field is named with both places to set it") {
    Fixture f;
    std::ofstream(f.dir.path() / "config") << "[DEFAULT]\nuser=u\n";
    CHECK_THROWS_WITH_AS(load_oci_credentials(f.lookup),
                         doctest::Contains("'tenancy' is set neither in profile [DEFAULT]"),
                         StorageError);
}
