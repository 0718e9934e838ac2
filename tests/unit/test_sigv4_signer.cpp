// common/storage/sigv4_signer: the worked examples of AWS's S3 documentation ("Signature
// Calculations for the Authorization Header: Transferring Payload in a Single Chunk"):
// example credentials, 24 May 2013 00:00:00 UTC, bucket examplebucket in us-east-1.
#include <doctest/doctest.h>

#include <string>

#include "common/storage/signing_crypto.hpp"
#include "common/storage/sigv4_signer.hpp"

namespace {

using namespace fotogal::storage;

constexpr std::time_t kWhen = 1369353600;  // 2013-05-24T00:00:00Z
constexpr const char* kEmpty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

SigV4Signer example_signer() {
    return SigV4Signer({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""},
                       "us-east-1");
}

std::string header(const HeaderList& headers, const std::string& name) {
    for (const auto& [n, v] : headers)
        if (n == name) return v;
    return "<absent>";
}

}  // namespace

TEST_CASE("SigV4: AWS's GET Object example (Range header), every step") {
    SigV4Request r{
        "GET", "/test.txt", {}, "examplebucket.s3.amazonaws.com", kEmpty, {{"Range", "bytes=0-9"}}};
    auto signer = example_signer();
    HeaderList headers{{"host", r.host},
                       {"range", "bytes=0-9"},
                       {"x-amz-content-sha256", kEmpty},
                       {"x-amz-date", "20130524T000000Z"}};
    std::string canonical = signer.canonical_request(r, headers);
    CHECK(canonical == std::string("GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\n"
                                   "range:bytes=0-9\nx-amz-content-sha256:") +
                           kEmpty +
                           "\nx-amz-date:20130524T000000Z\n\n"
                           "host;range;x-amz-content-sha256;x-amz-date\n" +
                           kEmpty);
    std::string sts = signer.string_to_sign(canonical, "20130524T000000Z");
    CHECK(sts ==
          "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
          "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    CHECK(signer.signature(sts, "20130524") ==
          "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");

    HeaderList sent = signer.sign(r, kWhen);
    CHECK(header(sent, "authorization") ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK(header(sent, "x-amz-date") == "20130524T000000Z");
}

TEST_CASE("SigV4: AWS's GET Bucket (list objects) example, query sorted and encoded") {
    SigV4Request r{
        "GET",  "/", {{"prefix", "J"}, {"max-keys", "2"}}, "examplebucket.s3.amazonaws.com",
        kEmpty, {}};
    CHECK(SigV4Signer::canonical_query(r.query) == "max-keys=2&prefix=J");
    CHECK(header(example_signer().sign(r, kWhen), "authorization")
              .ends_with(
                  "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"));
}

TEST_CASE("SigV4: AWS's PUT Object example, key with '$' and a body") {
    std::string body = "Welcome to Amazon S3.";
    std::string sha = crypto::hex(crypto::sha256(body));
    CHECK(sha == "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
    SigV4Request r{
        "PUT",
        "/test%24file.text",
        {},
        "examplebucket.s3.amazonaws.com",
        sha,
        {{"Date", "Fri, 24 May 2013 00:00:00 GMT"}, {"x-amz-storage-class", "REDUCED_REDUNDANCY"}}};
    CHECK(header(example_signer().sign(r, kWhen), "authorization") ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
          "SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
          "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
}

TEST_CASE("SigV4: a session token is sent and signed") {
    SigV4Signer signer({"AKID", "secret", "the-token"}, "eu-frankfurt-1");
    SigV4Request r{"GET",  "/bucket/key",
                   {},     "ns.compat.objectstorage.eu-frankfurt-1.oraclecloud.com",
                   kEmpty, {}};
    HeaderList sent = signer.sign(r, kWhen);
    CHECK(header(sent, "x-amz-security-token") == "the-token");
    CHECK(header(sent, "authorization").find("x-amz-security-token") != std::string::npos);
    CHECK(header(sent, "authorization").find("/eu-frankfurt-1/s3/aws4_request") !=
          std::string::npos);
    CHECK(header(sent, "authorization").find("secret") == std::string::npos);
}

// "Authenticating Requests: Using Query Parameters (AWS Signature Version 4)": the presigned
// GET of /test.txt, valid 86400 s, with the same example credentials and date.
TEST_CASE("SigV4: AWS's presigned URL example (query-string signing)") {
    SigV4Request r{"GET", "/test.txt", {}, "examplebucket.s3.amazonaws.com", "", {}};
    std::string query = example_signer().presign(r, kWhen, std::chrono::seconds(86400));
    CHECK(query ==
          "X-Amz-Algorithm=AWS4-HMAC-SHA256"
          "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
          "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
          "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
}

TEST_CASE("SigV4: a presigned PUT signs its Content-Type, and a session token travels along") {
    SigV4Request r{"PUT", "/b/k.jpg", {}, "s3.example.com", "", {{"Content-Type", "image/jpeg"}}};
    std::string query = example_signer().presign(r, kWhen, std::chrono::seconds(60));
    CHECK(query.find("&X-Amz-SignedHeaders=content-type%3Bhost&") != std::string::npos);
    CHECK(query !=
          example_signer().presign(
              {"PUT", "/b/k.jpg", {}, "s3.example.com", "", {{"Content-Type", "image/png"}}}, kWhen,
              std::chrono::seconds(60)));
    SigV4Signer temporary({"AKIAIOSFODNN7EXAMPLE", "secret", "the-token"}, "us-east-1");
    CHECK(temporary.presign(r, kWhen, std::chrono::seconds(60))
              .find("&X-Amz-Security-Token=the-token&") != std::string::npos);
}
