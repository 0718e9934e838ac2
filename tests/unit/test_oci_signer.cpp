// common/storage/oci_signer: Oracle's published request-signing test values, byte for byte
// (GET and POST Authorization headers), the key fingerprint, and the Object Storage PUT rule.
#include <doctest/doctest.h>

#include <string>

#include "common/storage/oci_signer.hpp"
#include "common/storage/signing_crypto.hpp"
#include "storage/oci_test_key.hpp"

namespace {

using namespace fotogal::storage;
using namespace fotogal::test;

constexpr const char* kDate = "Thu, 05 Jan 2014 21:31:40 GMT";
constexpr const char* kHost = "iaas.us-phoenix-1.oraclecloud.com";
constexpr const char* kGetPath =
    "/20160918/instances?availabilityDomain=Pjwf%3A%20PHX-AD-1&compartmentId=ocid1.compartment."
    "oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa&displayName="
    "TeamXInstances&volumeId=ocid1.volume.oc1.phx."
    "abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q";
constexpr const char* kPostBody = R"({
    "compartmentId": "ocid1.compartment.oc1..aaaaaaaam3we6vgnherjq5q2idnccdflvjsnog7mlr6rtdb25gilchfeyjxa",
    "instanceId": "ocid1.instance.oc1.phx.abuw4ljrlsfiqw6vzzxb43vyypt4pkodawglp3wqxjqofakrwvou52gb6s5a",
    "volumeId": "ocid1.volume.oc1.phx.abyhqljrgvttnlx73nmrwfaux7kcvzfs3s66izvxf2h4lgvyndsdsnoiwr5q"
})";

const std::string kGetAuthorization =
    std::string("Signature version=\"1\",headers=\"date (request-target) host\",keyId=\"") +
    kOciTestKeyId +
    "\",algorithm=\"rsa-sha256\",signature=\"GBas7grhyrhSKHP6AVIj/h5/Vp8bd/"
    "peM79H9Wv8kjoaCivujVXlpbKLjMPeDUhxkFIWtTtLBj3sUzaFj34XE6YZAHc9r2DmE4pMwOAy/"
    "kiITcZxa1oHPOeRheC0jP2dqbTll8fmTZVwKZOKHYPtrLJIJQHJjNvxFWeHQjMaR7M=\"";
const std::string kPostAuthorization =
    std::string(
        "Signature version=\"1\",headers=\"date (request-target) host content-length "
        "content-type x-content-sha256\",keyId=\"") +
    kOciTestKeyId +
    "\",algorithm=\"rsa-sha256\",signature=\"Mje8vIDPlwIHmD/cTDwRxE7HaAvBg16JnVcsuqaNRim23fFPgQf"
    "LoOOxae6WqKb1uPjYEl0qIdazWaBy/Ml8DRhqlocMwoSXv0fbukP8J5N80LCmzT/"
    "FFBvIvTB91XuXI3hYfP9Zt1l7S6ieVadHUfqBedWH0itrtPJBgKmrWso=\"";

OciSigner test_signer() {
    return OciSigner(kOciTestKeyId, load_private_key(kOciTestPrivateKey, "", "the test key"));
}

std::string header(const HeaderList& headers, const std::string& name) {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return "<absent>";
}

}  // namespace

TEST_CASE("OCI signer: Oracle's GET test vector, signing string and Authorization header") {
    HeaderList signed_headers{
        {"date", kDate}, {"(request-target)", std::string("get ") + kGetPath}, {"host", kHost}};
    std::string text = OciSigner::signing_string(signed_headers);
    CHECK(text.size() == 371);
    CHECK(text == std::string("date: ") + kDate + "\n(request-target): get " + kGetPath +
                      "\nhost: " + kHost);
    CHECK(test_signer().authorization(signed_headers) == kGetAuthorization);

    // The same through sign(), as the store builds requests; upper-case method too.
    OciRequestParts parts;
    parts.method = "GET";
    parts.path_query = kGetPath;
    parts.host = kHost;
    parts.date = kDate;
    HeaderList sent = test_signer().sign(parts);
    CHECK(header(sent, "authorization") == kGetAuthorization);
    CHECK(header(sent, "date") == kDate);
    CHECK(header(sent, "host") == kHost);
    CHECK(header(sent, "x-content-sha256") == "<absent>");
}

TEST_CASE("OCI signer: Oracle's POST test vector with its JSON body") {
    std::string body = kPostBody;
    REQUIRE(body.size() == 316);
    std::string sha = crypto::base64(crypto::sha256(body));
    CHECK(sha == "V9Z20UJTvkvpJ50flBzKE32+6m2zJjweHpDMX/U4Uy0=");

    OciRequestParts parts;
    parts.method = "POST";
    parts.path_query = "/20160918/volumeAttachments";
    parts.host = kHost;
    parts.date = kDate;
    parts.has_body = true;
    parts.content_type = "application/json";
    parts.content_length = body.size();
    parts.content_sha256 = sha;
    HeaderList sent = test_signer().sign(parts);
    CHECK(header(sent, "authorization") == kPostAuthorization);
    CHECK(header(sent, "x-content-sha256") == sha);
    CHECK(header(sent, "content-type") == "application/json");
}

TEST_CASE("OCI signer: an empty POST body still signs x-content-sha256 and content-length 0") {
    CHECK(crypto::base64(crypto::sha256(std::string_view())) ==
          "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
    OciRequestParts parts{"POST",
                          "/n/ns/b/bucket/u",
                          "localhost:7000",
                          kDate,
                          true,
                          false,
                          "application/json",
                          0,
                          crypto::base64(crypto::sha256(""))};
    std::string auth = header(test_signer().sign(parts), "authorization");
    CHECK(auth.find("headers=\"date (request-target) host content-length content-type "
                    "x-content-sha256\"") != std::string::npos);
}

TEST_CASE("OCI signer: Object Storage PutObject/UploadPart sign no body hash") {
    OciRequestParts parts{"PUT",
                          "/n/ns/b/bucket/o/originals%2Fx",
                          "localhost:7000",
                          kDate,
                          true,
                          true,
                          "image/jpeg",
                          1234,
                          ""};
    HeaderList sent = test_signer().sign(parts);
    std::string auth = header(sent, "authorization");
    // The content headers the request carries are signed; the body hash is not needed.
    CHECK(auth.find("headers=\"date (request-target) host content-length content-type\"") !=
          std::string::npos);
    CHECK(header(sent, "x-content-sha256") == "<absent>");
    // The host keeps its port, as in Oracle's localhost:7000 example.
    CHECK(OciSigner::signing_string(
              {{"date", kDate}, {"(request-target)", "get /api"}, {"host", "localhost:7000"}}) ==
          std::string("date: ") + kDate + "\n(request-target): get /api\nhost: localhost:7000");
}

TEST_CASE("OCI signer: header names are signed in lower case whatever their spelling") {
    HeaderList upper{
        {"Date", kDate}, {"(Request-target)", std::string("get ") + kGetPath}, {"Host", kHost}};
    CHECK(test_signer().authorization(upper) == kGetAuthorization);
}

TEST_CASE("OCI key fingerprint: MD5 of the public key, as OCI shows it") {
    auto key = load_private_key(kOciTestPrivateKey, "", "the test key");
    CHECK(key_fingerprint(key.get()) == kOciTestFingerprint);
}

TEST_CASE("OCI key loading: a clear error that never shows the key") {
    try {
        load_private_key(
            "-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n",
            "secret-pass", "/etc/oci/key.pem");
        FAIL("no error");
    } catch (const std::exception& e) {
        std::string message = e.what();
        CHECK(message.find("/etc/oci/key.pem") != std::string::npos);
        CHECK(message.find("secret-pass") == std::string::npos);
        CHECK(message.find("not a key") == std::string::npos);
    }
}
