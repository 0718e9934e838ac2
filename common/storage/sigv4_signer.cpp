#include "common/storage/sigv4_signer.hpp"

#include <algorithm>
#include <cctype>

#include "common/storage/signing_crypto.hpp"
#include "common/storage/storage_url.hpp"

namespace fotogal::storage {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), ::tolower);
    return s;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// Canonical headers: lower-case names, sorted, values trimmed.
HeaderList canonical(const HeaderList& headers) {
    HeaderList out;
    for (const auto& [n, v] : headers) out.push_back({lower(n), trim(v)});
    std::sort(out.begin(), out.end());
    return out;
}

std::string signed_names(const HeaderList& canon) {
    std::string out;
    for (const auto& [n, v] : canon) out += (out.empty() ? "" : ";") + n;
    return out;
}

}  // namespace

std::string amz_date(std::time_t now) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
    return buf;
}

SigV4Signer::SigV4Signer(AwsCredentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

std::string SigV4Signer::canonical_query(
    const std::vector<std::pair<std::string, std::string>>& q) {
    std::vector<std::pair<std::string, std::string>> encoded;
    for (const auto& [k, v] : q) encoded.push_back({uri_encode(k, false), uri_encode(v, false)});
    std::sort(encoded.begin(), encoded.end());
    std::string out;
    for (const auto& [k, v] : encoded) out += (out.empty() ? "" : "&") + k + "=" + v;
    return out;
}

std::string SigV4Signer::canonical_request(const SigV4Request& r, const HeaderList& headers) const {
    HeaderList canon = canonical(headers);
    std::string out = r.method + "\n" + r.canonical_uri + "\n" + canonical_query(r.query) + "\n";
    for (const auto& [n, v] : canon) out += n + ":" + v + "\n";
    out += "\n" + signed_names(canon) + "\n" + r.payload_sha256_hex;
    return out;
}

std::string SigV4Signer::string_to_sign(const std::string& canonical_request,
                                        const std::string& date_time) const {
    return "AWS4-HMAC-SHA256\n" + date_time + "\n" + date_time.substr(0, 8) + "/" + region_ + "/" +
           service_ + "/aws4_request\n" + crypto::hex(crypto::sha256(canonical_request));
}

std::string SigV4Signer::signature(const std::string& string_to_sign,
                                   const std::string& date) const {
    std::string k = crypto::hmac_sha256("AWS4" + credentials_.secret_access_key, date);
    k = crypto::hmac_sha256(k, region_);
    k = crypto::hmac_sha256(k, service_);
    k = crypto::hmac_sha256(k, "aws4_request");
    return crypto::hex(crypto::hmac_sha256(k, string_to_sign));
}

HeaderList SigV4Signer::sign(const SigV4Request& r, std::time_t now) const {
    std::string date_time = amz_date(now);
    HeaderList headers{{"host", r.host},
                       {"x-amz-content-sha256", r.payload_sha256_hex},
                       {"x-amz-date", date_time}};
    if (!credentials_.session_token.empty())
        headers.push_back({"x-amz-security-token", credentials_.session_token});
    headers.insert(headers.end(), r.extra_headers.begin(), r.extra_headers.end());
    std::string canon = canonical_request(r, headers);
    std::string sts = string_to_sign(canon, date_time);
    std::string scope = date_time.substr(0, 8) + "/" + region_ + "/" + service_ + "/aws4_request";
    headers.push_back(
        {"authorization", "AWS4-HMAC-SHA256 Credential=" + credentials_.access_key_id + "/" +
                              scope + ", SignedHeaders=" + signed_names(canonical(headers)) +
                              ", Signature=" + signature(sts, date_time.substr(0, 8))});
    return headers;
}

std::string SigV4Signer::presign(const SigV4Request& r, std::time_t now,
                                 std::chrono::seconds expires) const {
    std::string date_time = amz_date(now);
    std::string scope = date_time.substr(0, 8) + "/" + region_ + "/" + service_ + "/aws4_request";
    HeaderList headers{{"host", r.host}};
    headers.insert(headers.end(), r.extra_headers.begin(), r.extra_headers.end());
    SigV4Request signed_request = r;
    signed_request.payload_sha256_hex = "UNSIGNED-PAYLOAD";
    auto& q = signed_request.query;
    q.push_back({"X-Amz-Algorithm", "AWS4-HMAC-SHA256"});
    q.push_back({"X-Amz-Credential", credentials_.access_key_id + "/" + scope});
    q.push_back({"X-Amz-Date", date_time});
    q.push_back({"X-Amz-Expires", std::to_string(expires.count())});
    q.push_back({"X-Amz-SignedHeaders", signed_names(canonical(headers))});
    if (!credentials_.session_token.empty())
        q.push_back({"X-Amz-Security-Token", credentials_.session_token});
    std::string sts = string_to_sign(canonical_request(signed_request, headers), date_time);
    return canonical_query(q) + "&X-Amz-Signature=" + signature(sts, date_time.substr(0, 8));
}

}  // namespace fotogal::storage
