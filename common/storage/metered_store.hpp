// Every storage operation timed and its failures counted, by backend and operation, in one
// place: open_object_store wraps each backend in a MeteredStore, so ingest, workers and the
// replay tool report fotogal_storage_operation_seconds{backend,operation} and
// fotogal_storage_errors_total{backend,operation} without a call in any backend.
#pragma once

#include <array>
#include <memory>
#include <string>

#include "common/metrics.hpp"
#include "common/storage/object_store.hpp"

namespace fotogal::storage {

class MeteredStore : public ObjectStore {
  public:
    // `backend`: the label value ("file", "s3", "oci").
    MeteredStore(std::unique_ptr<ObjectStore> inner, const std::string& backend);

    void put(const std::string& key, std::span<const std::uint8_t> bytes,
             const std::string& content_type) override;
    std::optional<std::vector<std::uint8_t>> get(const std::string& key) override;
    std::optional<ObjectInfo> head(const std::string& key) override;
    void remove(const std::string& key) override;
    ListPage list(const std::string& prefix, const std::string& start_after,
                  std::size_t limit) override;
    std::string describe() const override { return inner_->describe(); }
    void put_file(const std::string& key, const std::filesystem::path& file,
                  const std::string& content_type) override;
    bool get_file(const std::string& key, const std::filesystem::path& destination) override;
    bool put_if_absent(const std::string& key, std::span<const std::uint8_t> bytes,
                       const std::string& content_type) override;
    // Presigning is not timed: S3 computes a signature locally; OCI's PAR call is one small
    // request, not an object operation.
    std::optional<std::string> presigned_get_url(const std::string& key,
                                                 std::chrono::seconds ttl) override;
    std::optional<std::string> presigned_put_url(const std::string& key, std::chrono::seconds ttl,
                                                 const std::string& content_type) override;
    std::optional<DirectUpload> presigned_upload(const std::string& key, std::chrono::seconds ttl,
                                                 const UploadConditions& conditions) override;

  private:
    enum Operation { kPut, kGet, kHead, kRemove, kList, kPutFile, kGetFile, kPutIfAbsent, kCount };
    struct Series {
        metrics::Histogram* seconds;
        metrics::Counter* errors;
    };
    template <typename F>
    auto timed(Operation op, F&& call);

    std::unique_ptr<ObjectStore> inner_;
    std::array<Series, kCount> series_;
};

}  // namespace fotogal::storage
