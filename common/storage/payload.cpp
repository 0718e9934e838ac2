#include "common/storage/payload.hpp"

#include <system_error>

#include "common/storage/object_store.hpp"
#include "common/storage/signing_crypto.hpp"

namespace fotogal::storage {

Payload Payload::of_file(const std::filesystem::path& path, const std::string& key) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    if (ec)
        throw StorageError("put '" + key + "': cannot read " + path.string() + ": " + ec.message(),
                           false);
    return {{}, FileRange{path, 0, size}};
}

Payload Payload::slice(std::uint64_t offset, std::uint64_t length) const {
    if (file) return {{}, FileRange{file->path, file->offset + offset, length}};
    return {memory.subspan(offset, length), std::nullopt};
}

std::string Payload::sha256() const {
    if (file) {
        try {
            return crypto::sha256_file(file->path, file->offset, file->length);
        } catch (const std::exception& e) {
            throw StorageError(std::string("cannot hash the upload: ") + e.what(), false);
        }
    }
    return crypto::sha256(memory);
}

void Payload::attach(HttpRequest& request) const {
    request.body = memory;
    request.file = file;
}

}  // namespace fotogal::storage
