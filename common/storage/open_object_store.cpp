#include <string_view>

#include "common/storage/file_store.hpp"
#include "common/storage/object_store.hpp"

namespace fotogal::storage {

std::unique_ptr<ObjectStore> open_object_store(const std::string& url) {
    constexpr std::string_view kFile = "file://";
    if (url.starts_with(kFile)) {
        std::string path = url.substr(kFile.size());
        if (path.empty()) throw StorageError("FOTOGAL_STORAGE file:// URL has no path", false);
        return std::make_unique<FileStore>(path);
    }
    if (url.starts_with("s3://") || url.starts_with("oci://"))
        throw StorageError("storage URL scheme of '" + url +
                               "' is not available in this build yet; use file:///path",
                           false);
    throw StorageError(
        "unknown storage URL '" + url +
            "': expected file:///path, s3://bucket?... or oci://namespace/bucket?...",
        false);
}

}  // namespace fotogal::storage
