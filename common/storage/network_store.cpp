#include "common/storage/network_store.hpp"

#include "common/log.hpp"

namespace fotogal::storage {

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
