// file:///path — objects are files under a root directory. Writes go to a hidden temporary
// file in the same directory and are renamed into place, so a reader never sees half an
// object (the manifest-last rule depends on that).
#pragma once

#include <filesystem>
#include <functional>

#include "common/storage/object_store.hpp"

namespace fotogal::storage {

class FileStore final : public ObjectStore {
  public:
    explicit FileStore(std::filesystem::path root);

    void put(const std::string& key, std::span<const std::uint8_t> bytes,
             const std::string& content_type) override;
    void put_file(const std::string& key, const std::filesystem::path& file,
                  const std::string& content_type) override;
    std::optional<std::vector<std::uint8_t>> get(const std::string& key) override;
    std::optional<ObjectInfo> head(const std::string& key) override;
    void remove(const std::string& key) override;
    ListPage list(const std::string& prefix, const std::string& start_after,
                  std::size_t limit) override;
    std::string describe() const override;

  private:
    std::filesystem::path path_for(const std::string& key) const;
    // Writes through `write` into a hidden temporary file, then renames it into place.
    void write_atomically(const std::string& key, const std::function<void(int fd)>& write);
    std::filesystem::path root_;
};

}  // namespace fotogal::storage
