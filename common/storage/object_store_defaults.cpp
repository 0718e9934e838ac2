// Default implementations of ObjectStore's streaming and conditional methods, for backends
// (the file store) where the basic methods already are as good.
#include <fstream>
#include <iterator>

#include "common/storage/object_store.hpp"

namespace fotogal::storage {

void ObjectStore::put_file(const std::string& key, const std::filesystem::path& file,
                           const std::string& content_type) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw StorageError("put '" + key + "': cannot read " + file.string(), false);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                    std::istreambuf_iterator<char>());
    put(key, bytes, content_type);
}

bool ObjectStore::get_file(const std::string& key, const std::filesystem::path& destination) {
    auto bytes = get(key);
    if (!bytes) return false;
    std::ofstream out(destination, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes->data()),
              static_cast<std::streamsize>(bytes->size()));
    if (!out) throw StorageError("get '" + key + "': cannot write " + destination.string(), false);
    return true;
}

bool ObjectStore::put_if_absent(const std::string& key, std::span<const std::uint8_t> bytes,
                                const std::string& content_type) {
    if (head(key)) return false;
    put(key, bytes, content_type);
    return true;
}

std::optional<std::string> ObjectStore::presigned_get_url(const std::string&,
                                                          std::chrono::seconds) {
    return std::nullopt;
}

std::optional<std::string> ObjectStore::presigned_put_url(const std::string&, std::chrono::seconds,
                                                          const std::string&) {
    return std::nullopt;
}

std::optional<DirectUpload> ObjectStore::presigned_upload(const std::string&, std::chrono::seconds,
                                                          const UploadConditions&) {
    return std::nullopt;
}

}  // namespace fotogal::storage
