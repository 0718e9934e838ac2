#include "common/storage/metered_store.hpp"

#include <chrono>
#include <type_traits>

namespace fotogal::storage {

namespace {

constexpr std::array<const char*, 8> kOperationNames = {
    "put", "get", "head", "remove", "list", "put_file", "get_file", "put_if_absent"};

}  // namespace

MeteredStore::MeteredStore(std::unique_ptr<ObjectStore> inner, const std::string& backend)
    : inner_(std::move(inner)) {
    for (std::size_t i = 0; i < series_.size(); ++i) {
        metrics::Labels labels{{"backend", backend}, {"operation", kOperationNames[i]}};
        series_[i].seconds = &metrics::histogram(
            "fotogal_storage_operation_seconds",
            "object storage operations by backend and operation, failed ones included", labels);
        series_[i].errors =
            &metrics::counter("fotogal_storage_errors_total",
                              "object storage operations that failed (threw)", labels);
    }
}

// A miss (get of an absent key) is an answer, not an error; only a throw counts.
template <typename F>
auto MeteredStore::timed(Operation op, F&& call) {
    auto started = std::chrono::steady_clock::now();
    auto observe = [&] {
        series_[op].seconds->observe(
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    };
    try {
        if constexpr (std::is_void_v<decltype(call())>) {
            call();
            observe();
        } else {
            auto result = call();
            observe();
            return result;
        }
    } catch (...) {
        observe();
        series_[op].errors->inc();
        throw;
    }
}

void MeteredStore::put(const std::string& key, std::span<const std::uint8_t> bytes,
                       const std::string& content_type) {
    timed(kPut, [&] { inner_->put(key, bytes, content_type); });
}

std::optional<std::vector<std::uint8_t>> MeteredStore::get(const std::string& key) {
    return timed(kGet, [&] { return inner_->get(key); });
}

std::optional<ObjectInfo> MeteredStore::head(const std::string& key) {
    return timed(kHead, [&] { return inner_->head(key); });
}

void MeteredStore::remove(const std::string& key) {
    timed(kRemove, [&] { inner_->remove(key); });
}

ListPage MeteredStore::list(const std::string& prefix, const std::string& start_after,
                            std::size_t limit) {
    return timed(kList, [&] { return inner_->list(prefix, start_after, limit); });
}

void MeteredStore::put_file(const std::string& key, const std::filesystem::path& file,
                            const std::string& content_type) {
    timed(kPutFile, [&] { inner_->put_file(key, file, content_type); });
}

bool MeteredStore::get_file(const std::string& key, const std::filesystem::path& destination) {
    return timed(kGetFile, [&] { return inner_->get_file(key, destination); });
}

bool MeteredStore::put_if_absent(const std::string& key, std::span<const std::uint8_t> bytes,
                                 const std::string& content_type) {
    return timed(kPutIfAbsent, [&] { return inner_->put_if_absent(key, bytes, content_type); });
}

std::optional<std::string> MeteredStore::presigned_get_url(const std::string& key,
                                                           std::chrono::seconds ttl) {
    return inner_->presigned_get_url(key, ttl);
}

std::optional<std::string> MeteredStore::presigned_put_url(const std::string& key,
                                                           std::chrono::seconds ttl,
                                                           const std::string& content_type) {
    return inner_->presigned_put_url(key, ttl, content_type);
}

std::optional<DirectUpload> MeteredStore::presigned_upload(const std::string& key,
                                                           std::chrono::seconds ttl,
                                                           const UploadConditions& conditions) {
    return inner_->presigned_upload(key, ttl, conditions);
}

}  // namespace fotogal::storage
