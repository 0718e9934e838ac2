#include <set>
#include <string_view>

#include "common/storage/file_store.hpp"
#include "common/storage/metered_store.hpp"
#include "common/storage/object_store.hpp"
#include "common/storage/oci_credential_source.hpp"
#include "common/storage/oci_store.hpp"
#include "common/storage/s3_store.hpp"
#include "common/storage/storage_url.hpp"

namespace fotogal::storage {

namespace {

// Parameters every network backend takes besides its own.
const std::set<std::string> kCommonParams{
    "endpoint", "region", "part_size", "multipart_threshold", "retries", "connect_timeout"};

void check_params(const StorageUrl& u, const std::string& url) {
    for (const auto& [name, value] : u.params)
        if (!kCommonParams.count(name))
            throw StorageError("storage URL '" + url + "': unknown parameter '" + name +
                                   "' (known: endpoint, region, part_size, multipart_threshold, "
                                   "retries, connect_timeout)",
                               false);
}

MultipartSizes sizes_from(const StorageUrl& u) {
    MultipartSizes s;
    s.part_size = u.size_param("part_size", s.part_size);
    s.threshold = u.size_param("multipart_threshold", s.threshold);
    return s;
}

// No retries unless the URL asks: each program has its own single retry layer (a worker's
// per-event budget), and retries nested below it would multiply its attempts and waits.
RetryPolicy retry_from(const StorageUrl& u) {
    RetryPolicy p;
    p.max_attempts = 1;
    std::string n = u.param("retries");
    if (!n.empty()) {
        int attempts = std::atoi(n.c_str());
        if (attempts < 0 || attempts > 100 || std::to_string(attempts) != n)
            throw StorageError("storage URL parameter retries='" + n + "' is not 0..100", false);
        p.max_attempts = attempts + 1;
    }
    return p;
}

HttpOptions http_from(const StorageUrl& u) {
    HttpOptions h;
    std::string t = u.param("connect_timeout");
    if (!t.empty()) h.connect_timeout = std::chrono::milliseconds(std::atoi(t.c_str()) * 1000);
    return h;
}

std::string key_prefix(const std::string& path) {
    return path.empty() ? "" : path + "/";
}

std::string strip_slash(std::string endpoint) {
    while (endpoint.ends_with("/")) endpoint.pop_back();
    if (!endpoint.starts_with("http://") && !endpoint.starts_with("https://"))
        throw StorageError(
            "storage endpoint '" + endpoint + "' must start with http:// or https://", false);
    return endpoint;
}

std::unique_ptr<ObjectStore> open_s3(const std::string& url, const SettingLookup& settings) {
    StorageUrl u = parse_storage_url(url);
    check_params(u, url);
    S3StoreOptions o;
    o.bucket = u.authority;
    o.prefix = key_prefix(u.path);
    o.region = u.param("region", settings("AWS_REGION"));
    if (o.region.empty()) o.region = settings("AWS_DEFAULT_REGION");
    if (o.region.empty()) o.region = "us-east-1";
    o.endpoint = strip_slash(u.param("endpoint", "https://s3." + o.region + ".amazonaws.com"));
    o.sizes = sizes_from(u);
    o.retry = retry_from(u);
    o.http = http_from(u);
    AwsCredentials c{settings("AWS_ACCESS_KEY_ID"), settings("AWS_SECRET_ACCESS_KEY"),
                     settings("AWS_SESSION_TOKEN")};
    if (c.access_key_id.empty() || c.secret_access_key.empty())
        throw StorageError("storage " + url +
                               " needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (for OCI's S3 "
                               "compatibility API: a Customer Secret Key)",
                           false);
    return std::make_unique<S3Store>(std::move(o), std::move(c));
}

std::unique_ptr<ObjectStore> open_oci(const std::string& url, const SettingLookup& settings) {
    StorageUrl u = parse_storage_url(url);
    check_params(u, url);
    OciStoreOptions o;
    o.ns = u.authority;
    auto slash = u.path.find('/');
    o.bucket = u.path.substr(0, slash);
    if (o.bucket.empty())
        throw StorageError(
            "storage URL '" + url + "' has no bucket: oci://namespace/bucket?region=…", false);
    o.prefix = slash == std::string::npos ? "" : key_prefix(u.path.substr(slash + 1));
    o.http = http_from(u);
    auto credentials = make_oci_credential_source(settings, o.http);
    std::string region = u.param("region", credentials->region());
    std::string endpoint = u.param("endpoint");
    if (endpoint.empty()) {
        if (region.empty())
            throw StorageError(
                "storage URL '" + url +
                    "' needs ?region=… (or FOTOGAL_OCI_REGION, or region in the OCI config)",
                false);
        endpoint = "https://objectstorage." + region + ".oraclecloud.com";
    }
    o.endpoint = strip_slash(endpoint);
    o.sizes = sizes_from(u);
    o.retry = retry_from(u);
    return std::make_unique<OciStore>(std::move(o), std::move(credentials));
}

}  // namespace

std::unique_ptr<ObjectStore> open_object_store(const std::string& url) {
    return open_object_store(url, environment_lookup());
}

// Every backend is metered (metered_store.hpp), labelled with its URL scheme.
std::unique_ptr<ObjectStore> open_object_store(const std::string& url,
                                               const SettingLookup& settings) {
    constexpr std::string_view kFile = "file://";
    if (url.starts_with(kFile)) {
        std::string path = url.substr(kFile.size());
        if (path.empty()) throw StorageError("FOTOGAL_STORAGE file:// URL has no path", false);
        return std::make_unique<MeteredStore>(std::make_unique<FileStore>(path), "file");
    }
    if (url.starts_with("s3://"))
        return std::make_unique<MeteredStore>(open_s3(url, settings), "s3");
    if (url.starts_with("oci://"))
        return std::make_unique<MeteredStore>(open_oci(url, settings), "oci");
    throw StorageError(
        "unknown storage URL '" + url +
            "': expected file:///path, s3://bucket?... or oci://namespace/bucket?...",
        false);
}

}  // namespace fotogal::storage
