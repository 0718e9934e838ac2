// The one storage interface that ingest, workers and the replay tool share. Backends are
// chosen by URL (open_object_store): file:// here, s3:// and oci:// beside it.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/errors.hpp"

namespace fotogal::storage {

// What went wrong talking to the store. `transient` errors (5xx, 429, timeouts, full disk
// that may clear) are worth retrying by the caller's one retry layer; the others (bad key,
// denied) are permanent.
class StorageError : public Error {
  public:
    StorageError(const std::string& message, bool transient)
        : Error(transient ? ErrorKind::transient : ErrorKind::permanent,
                transient ? "storage_unavailable" : "storage_refused", message) {}
};

struct ObjectInfo {
    std::string key;
    std::uint64_t size = 0;
};

// What a direct upload must satisfy. The store enforces what it can in the URL itself (S3
// signs the headers, so a different Content-Type, length or owner is refused); the worker
// checks size and format again before decoding in every case.
struct UploadConditions {
    std::string content_type;
    std::optional<std::uint64_t> size;  // exact length, when the client declared it
    std::string owner;                  // the authenticated principal; "" for anonymous
};

// Where and how a client PUTs the bytes: the URL and exactly the headers to send with them.
struct DirectUpload {
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
};

struct ListPage {
    std::vector<ObjectInfo> objects;  // in key order
    std::optional<std::string> next_start_after;
};

class ObjectStore {
  public:
    virtual ~ObjectStore() = default;
    // Readers see either the old object or the whole new one, never a part.
    virtual void put(const std::string& key, std::span<const std::uint8_t> bytes,
                     const std::string& content_type) = 0;
    virtual std::optional<std::vector<std::uint8_t>> get(const std::string& key) = 0;
    virtual std::optional<ObjectInfo> head(const std::string& key) = 0;
    virtual void remove(const std::string& key) = 0;  // absent is fine
    virtual ListPage list(const std::string& prefix, const std::string& start_after,
                          std::size_t limit) = 0;
    // The store's URL as an operator would write it, never with credentials.
    virtual std::string describe() const = 0;

    // Streaming and conditional variants. The defaults are built on the methods above;
    // network backends override them so a large object is never held in memory whole.
    // Uploads a file's bytes (multipart when large) without reading it all into memory.
    virtual void put_file(const std::string& key, const std::filesystem::path& file,
                          const std::string& content_type);
    // Writes the object into `destination` (replaced); false when there is no such object.
    virtual bool get_file(const std::string& key, const std::filesystem::path& destination);
    // Writes only if no object has the key (if-none-match: *); false when one exists. The
    // default checks, then writes: not atomic, unlike the network backends.
    virtual bool put_if_absent(const std::string& key, std::span<const std::uint8_t> bytes,
                               const std::string& content_type);

    // Direct access, so bytes need not pass through ingest. A URL that lets whoever holds it
    // GET the object without credentials until `ttl` has passed (S3: SigV4 query signing,
    // at most 7 days; OCI: a pre-authenticated request). nullopt when the backend has no
    // such URLs (file://). The URL is a bearer credential: never log it.
    virtual std::optional<std::string> presigned_get_url(const std::string& key,
                                                         std::chrono::seconds ttl);
    // The same for one PUT of the object; S3 signs `content_type`, so the client must send
    // exactly that Content-Type.
    virtual std::optional<std::string> presigned_put_url(const std::string& key,
                                                         std::chrono::seconds ttl,
                                                         const std::string& content_type);
    // One PUT of the object under `conditions`, for a client that uploads straight to the
    // bucket. nullopt when the backend has no such URLs (file://).
    virtual std::optional<DirectUpload> presigned_upload(const std::string& key,
                                                         std::chrono::seconds ttl,
                                                         const UploadConditions& conditions);
};

// Looks a setting up by name (environment variable or flag value); "" when unset.
using SettingLookup = std::function<std::string(const std::string& name)>;
SettingLookup environment_lookup();

// Throws StorageError (not transient) for a URL it cannot use, naming what is wrong.
// Credentials (AWS_*, FOTOGAL_OCI_*) are read from the environment, or through `settings`.
std::unique_ptr<ObjectStore> open_object_store(const std::string& url);
std::unique_ptr<ObjectStore> open_object_store(const std::string& url,
                                               const SettingLookup& settings);

}  // namespace fotogal::storage
