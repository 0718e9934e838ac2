#include "common/storage/network_store.hpp"

#include "common/log.hpp"

namespace fotogal::storage {

std::optional<std::vector<std::uint8_t>> NetworkStore::get(const std::string& key) {
    auto r = caller().call("get", key, [&] { return object_request("GET", key, nullptr); }, {404});
    if (r.status == 404) {
        if (!caller().object_missing(r, missing_code())) caller().fail("get", key, r);
        return std::nullopt;
    }
    return std::move(r.body);
}

bool NetworkStore::get_file(const std::string& key, const std::filesystem::path& destination) {
    auto r = caller().download(
        key, destination, [&](const BodySink& sink) { return object_request("GET", key, &sink); });
    if (r.status == 404) {
        if (!caller().object_missing(r, missing_code())) caller().fail("get", key, r);
        return false;
    }
    return true;
}

std::optional<ObjectInfo> NetworkStore::head(const std::string& key) {
    auto r =
        caller().call("head", key, [&] { return object_request("HEAD", key, nullptr); }, {404});
    if (r.status == 404) return std::nullopt;  // HEAD has no body to tell a missing bucket by
    return ObjectInfo{key, std::strtoull(r.header("content-length").c_str(), nullptr, 10)};
}

void NetworkStore::remove(const std::string& key) {
    auto r =
        caller().call("delete", key, [&] { return object_request("DELETE", key, nullptr); }, {404});
    if (r.status == 404 && !caller().object_missing(r, missing_code()))
        caller().fail("delete", key, r);
}

void NetworkStore::put(const std::string& key, std::span<const std::uint8_t> bytes,
                       const std::string& content_type) {
    upload(key, Payload::of(bytes), content_type);
}

void NetworkStore::put_file(const std::string& key, const std::filesystem::path& file,
                            const std::string& content_type) {
    upload(key, Payload::of_file(file, key), content_type);
}

bool NetworkStore::put_if_absent(const std::string& key, std::span<const std::uint8_t> bytes,
                                 const std::string& content_type) {
    // Always one request: the server decides atomically, whatever the size.
    return put_single(key, Payload::of(bytes), content_type, true);
}

void NetworkStore::upload(const std::string& key, const Payload& body,
                          const std::string& content_type) {
    if (body.size() < sizes_.threshold) {
        put_single(key, body, content_type, false);
        return;
    }
    std::string upload_id = multipart_begin(key, content_type);
    try {
        std::vector<std::string> etags;
        int number = 1;
        for (std::uint64_t offset = 0; offset < body.size(); offset += sizes_.part_size, ++number) {
            std::uint64_t length = std::min(sizes_.part_size, body.size() - offset);
            etags.push_back(multipart_part(key, upload_id, number, body.slice(offset, length)));
        }
        multipart_commit(key, upload_id, etags);
    } catch (...) {
        try {
            multipart_abort(key, upload_id);
        } catch (const std::exception& e) {
            // The original failure matters more; the store's lifecycle rules clean up after.
            log::warn("could not abort a multipart upload",
                      {{"key", key}, {"upload_id", upload_id}, {"error", e.what()}});
        }
        throw;
    }
}

}  // namespace fotogal::storage
