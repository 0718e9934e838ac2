// Parsing the s3:// and oci:// storage URLs, and the RFC 3986 percent-encoding both request
// signers depend on (they sign the path and query exactly as sent).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace fotogal::storage {

// scheme://authority/path?name=value&...  e.g. oci://ns/bucket/prefix?region=eu-frankfurt-1
struct StorageUrl {
    std::string scheme;     // "s3", "oci"
    std::string authority;  // first segment: the S3 bucket, the OCI namespace
    std::string path;       // the rest without the leading '/', e.g. "bucket/prefix"
    std::map<std::string, std::string> params;

    std::string param(const std::string& name, const std::string& fallback = "") const;
    // A size such as "8388608", "8MiB" or "16MB"; throws StorageError naming the parameter.
    std::uint64_t size_param(const std::string& name, std::uint64_t fallback) const;
};

// Throws StorageError (not transient) for an unknown parameter or a malformed URL.
StorageUrl parse_storage_url(const std::string& url);

// Encodes everything but RFC 3986 unreserved characters; '/' is kept when keep_slash.
std::string uri_encode(std::string_view text, bool keep_slash);
std::string uri_decode(std::string_view text);

// http(s)://host[:port] -> "host[:port]" as the Host header carries it.
std::string host_of(const std::string& endpoint);

}  // namespace fotogal::storage
