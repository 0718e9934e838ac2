#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "common/config.hpp"
#include "common/storage/signing_crypto.hpp"
#include "ingest/auth/api_key_authenticator.hpp"
#include "ingest/auth/authenticator.hpp"
#include "jwt_support.hpp"
#include "subprocess.hpp"
#include "temp_dir.hpp"

using namespace fotogal;
using namespace fotogal::ingest::auth;
using Clock = ApiKeyAuthenticator::Clock;

namespace {

const std::string kAliceSecret = "4f1c2d0e9b8a7f6e5d4c3b2a19080706f5e4d3c2b1a09f8e7d6c5b4a39281716";
const std::string kBobSecret = "bob-secret-0123456789";

std::string line(const std::string& id, const std::string& secret, const std::string& scopes = "") {
    auto text = id + " " + storage::crypto::hex(storage::crypto::sha256(secret));
    return scopes.empty() ? text + "\n" : text + " " + scopes + "\n";
}

const Principal& principal_of(const AuthResult& r) {
    REQUIRE(std::holds_alternative<Principal>(r));
    return std::get<Principal>(r);
}

const AuthFailure& failure_of(const AuthResult& r) {
    REQUIRE(std::holds_alternative<AuthFailure>(r));
    return std::get<AuthFailure>(r);
}

struct KeysFile {
    test::TempDir dir;
    std::filesystem::path path = dir.path() / "keys";
    Clock::time_point now{};
    explicit KeysFile(const std::string& text) { test::jwt::write_file(path, text); }
    ApiKeyAuthenticator make() {
        return ApiKeyAuthenticator(path, [this] { return now; });
    }
};

}  // namespace

TEST_CASE("auth api_key: the right key is the principal, with its scopes") {
    KeysFile file("# operators' keys\n\n" + line("alice", kAliceSecret) +
                  line("bob", kBobSecret, "read"));
    auto auth = file.make();
    auto alice = principal_of(auth.authenticate("Bearer " + kAliceSecret, "upload"));
    CHECK(alice.id == "alice");
    CHECK(alice.method == "api_key");
    CHECK(alice.scopes == std::set<std::string>{"upload", "read"});
    // Scheme in any case, blanks around the token.
    CHECK(principal_of(auth.authenticate("  bearer   " + kBobSecret + " ", "read")).id == "bob");
}

TEST_CASE("auth api_key: a wrong key, no header or another scheme is a 401 with a challenge") {
    KeysFile file(line("alice", kAliceSecret));
    auto auth = file.make();

    auto wrong = failure_of(auth.authenticate("Bearer not-the-secret", "upload"));
    CHECK(wrong.status == 401);
    CHECK(wrong.code == "unknown_api_key");
    CHECK(wrong.www_authenticate.find("error=\"invalid_token\"") != std::string::npos);
    CHECK(wrong.message.find("not-the-secret") == std::string::npos);
    CHECK(wrong.www_authenticate.find("not-the-secret") == std::string::npos);

    auto missing = failure_of(auth.authenticate("", "upload"));
    CHECK(missing.status == 401);
    CHECK(missing.code == "missing_credential");
    CHECK(missing.www_authenticate == "Bearer realm=\"fotogal\"");

    auto basic = failure_of(auth.authenticate("Basic YWxpY2U6cHc=", "upload"));
    CHECK(basic.status == 401);
    CHECK(basic.message.find("Bearer") != std::string::npos);
    CHECK(basic.message.find("YWxpY2U6cHc=") == std::string::npos);

    auto empty = failure_of(auth.authenticate("Bearer ", "upload"));
    CHECK(empty.status == 401);
    CHECK(empty.www_authenticate.find("invalid_request") != std::string::npos);

    // The hash itself is not a credential: knowing the file gives no access.
    auto hash_as_key = storage::crypto::hex(storage::crypto::sha256(kAliceSecret));
    CHECK(failure_of(auth.authenticate("Bearer " + hash_as_key, "upload")).status == 401);
}

TEST_CASE("auth api_key: a key without the needed scope is a 403 naming the scope") {
    KeysFile file(line("viewer", kBobSecret, "read"));
    auto auth = file.make();
    auto refused = failure_of(auth.authenticate("Bearer " + kBobSecret, "upload"));
    CHECK(refused.status == 403);
    CHECK(refused.code == "insufficient_scope");
    CHECK(refused.message.find("upload") != std::string::npos);
    CHECK(refused.www_authenticate.find("scope=\"upload\"") != std::string::npos);
}

TEST_CASE("auth api_key: a rotated keys file is picked up without a new authenticator") {
    KeysFile file(line("alice", kAliceSecret));
    auto auth = file.make();
    REQUIRE(std::holds_alternative<Principal>(auth.authenticate("Bearer " + kAliceSecret, "read")));

    test::jwt::write_file(file.path, line("bob", kBobSecret));
    // Within the reload interval the file is not looked at again.
    file.now += std::chrono::milliseconds(500);
    CHECK(std::holds_alternative<Principal>(auth.authenticate("Bearer " + kAliceSecret, "read")));
    CHECK(failure_of(auth.authenticate("Bearer " + kBobSecret, "read")).status == 401);

    file.now += ApiKeyAuthenticator::kReloadInterval;
    CHECK(principal_of(auth.authenticate("Bearer " + kBobSecret, "read")).id == "bob");
    CHECK(failure_of(auth.authenticate("Bearer " + kAliceSecret, "read")).status == 401);
}

TEST_CASE("auth api_key: a rotation through a Secret's symlink swap is picked up") {
    test::TempDir dir;
    // Kubernetes layout: keys -> ..data/keys, ..data -> ..v1 (swapped atomically to ..v2).
    std::filesystem::create_directory(dir.path() / "..v1");
    std::filesystem::create_directory(dir.path() / "..v2");
    std::ofstream(dir.path() / "..v1" / "keys") << line("alice", kAliceSecret);
    std::ofstream(dir.path() / "..v2" / "keys") << line("bob", kBobSecret);
    std::filesystem::create_directory_symlink("..v1", dir.path() / "..data");
    std::filesystem::create_symlink("..data/keys", dir.path() / "keys");
    Clock::time_point now{};
    ApiKeyAuthenticator auth(dir.path() / "keys", [&] { return now; });
    CHECK(principal_of(auth.authenticate("Bearer " + kAliceSecret, "read")).id == "alice");

    std::filesystem::create_directory_symlink("..v2", dir.path() / "..data_tmp");
    std::filesystem::rename(dir.path() / "..data_tmp", dir.path() / "..data");
    now += std::chrono::seconds(2);
    CHECK(principal_of(auth.authenticate("Bearer " + kBobSecret, "read")).id == "bob");
    CHECK(failure_of(auth.authenticate("Bearer " + kAliceSecret, "read")).status == 401);
}

TEST_CASE("auth api_key: a bad line is a ConfigError naming its number, never its text") {
    const std::string pasted_secret = "s3cr3t-pasted-by-mistake";
    KeysFile file("# comment\n" + line("alice", kAliceSecret) + "bob " + pasted_secret + "\n");
    try {
        file.make();
        FAIL("a keys file with a bad line was accepted");
    } catch (const ConfigError& e) {
        std::string what = e.what();
        CHECK(what.find("line 3") != std::string::npos);
        CHECK(what.find(pasted_secret) == std::string::npos);
    }
    CHECK_THROWS_WITH_AS(KeysFile(line("alice", kAliceSecret, "upload,delete")).make(),
                         doctest::Contains("line 1"), ConfigError);
    CHECK_THROWS_WITH_AS(KeysFile(line("alice", kAliceSecret) + line("alice", kBobSecret)).make(),
                         doctest::Contains("appears twice"), ConfigError);
}

TEST_CASE("auth api_key: a bad rewrite keeps the old keys; the next good one is taken") {
    KeysFile file(line("alice", kAliceSecret));
    auto auth = file.make();
    test::jwt::write_file(file.path, line("bob", kBobSecret) + "garbage\n");
    file.now += std::chrono::seconds(2);
    CHECK(principal_of(auth.authenticate("Bearer " + kAliceSecret, "read")).id == "alice");
    CHECK(failure_of(auth.authenticate("Bearer " + kBobSecret, "read")).status == 401);

    test::jwt::write_file(file.path, line("bob", kBobSecret));
    file.now += std::chrono::seconds(2);
    CHECK(principal_of(auth.authenticate("Bearer " + kBobSecret, "read")).id == "bob");
}

TEST_CASE("auth settings: missing keys file and unknown mode are ConfigErrors; none is anonymous") {
    AuthSettings settings;
    settings.api_keys_file = "/nonexistent/fotogal/keys";
    CHECK_THROWS_WITH_AS(make_authenticator(settings), doctest::Contains("FOTOGAL_API_KEYS_FILE"),
                         ConfigError);
    test::TempDir dir;
    settings.api_keys_file = dir.path();
    CHECK_THROWS_WITH_AS(make_authenticator(settings), doctest::Contains("is a directory"),
                         ConfigError);
    settings.mode = "ldap";
    CHECK_THROWS_WITH_AS(make_authenticator(settings), doctest::Contains("FOTOGAL_AUTH"),
                         ConfigError);
    settings.mode = "oidc";
    CHECK_THROWS_WITH_AS(make_authenticator(settings), doctest::Contains("FOTOGAL_OIDC_ISSUER"),
                         ConfigError);
    settings.mode = "none";
    auto open = make_authenticator(settings);
    auto anonymous = principal_of(open->authenticate("", "upload"));
    CHECK(anonymous.id.empty());
    CHECK(anonymous.method == "none");
    CHECK(anonymous.scopes == std::set<std::string>{"upload", "read"});
}

TEST_CASE("auth api_key: scripts/api-key.sh makes a secret and a line the keys file accepts") {
    test::TempDir dir;
    auto script = std::filesystem::path(FOTOGAL_FUZZ_REGRESSIONS) / "../../../scripts/api-key.sh";
    auto keys = dir.path() / "keys";
    auto made =
        test::run_program({"sh", "-c", script.string() + " svc-1 upload 2>" + keys.string()});
    REQUIRE(made.exit_code == 0);
    auto secret = made.out.substr(0, made.out.find('\n'));
    CHECK(secret.size() == 64);  // 32 random bytes in hex
    std::ifstream in(keys);
    std::string keys_line;
    std::getline(in, keys_line);
    CHECK(keys_line.find(secret) == std::string::npos);  // the file gets the hash only
    ApiKeyAuthenticator auth(keys);
    auto svc = principal_of(auth.authenticate("Bearer " + secret, "upload"));
    CHECK(svc.id == "svc-1");
    CHECK(svc.scopes == std::set<std::string>{"upload"});
    // --hash gives the same line for an existing secret.
    auto again = test::run_program(
        {"sh", "-c",
         "printf '%s\\n' " + secret + " | " + script.string() + " --hash svc-1 upload"});
    CHECK(again.out == keys_line + "\n");
}
