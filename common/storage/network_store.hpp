// What the S3 and OCI backends share above the wire: get, get_file, head and delete of one
// object (the backends only say how to send a request for an object and what their "no such
// key" code is), choosing a single PUT or a multipart upload by size, uploading parts as
// slices of the caller's memory or file, and aborting an unfinished multipart upload so no
// orphaned parts are left behind. Listing differs by protocol and stays with each backend.
#pragma once

#include <string>
#include <vector>

#include "common/storage/object_store.hpp"
#include "common/storage/payload.hpp"
#include "common/storage/service_call.hpp"

namespace fotogal::storage {

struct MultipartSizes {
    std::uint64_t part_size = 16ull << 20;  // every part but the last
    std::uint64_t threshold = 32ull << 20;  // objects of this size and more go in parts
};

class NetworkStore : public ObjectStore {
  public:
    explicit NetworkStore(MultipartSizes sizes) : sizes_(sizes) {}

    std::optional<std::vector<std::uint8_t>> get(const std::string& key) override;
    bool get_file(const std::string& key, const std::filesystem::path& destination) override;
    std::optional<ObjectInfo> head(const std::string& key) override;
    void remove(const std::string& key) override;
    void put(const std::string& key, std::span<const std::uint8_t> bytes,
             const std::string& content_type) override;
    void put_file(const std::string& key, const std::filesystem::path& file,
                  const std::string& content_type) override;
    bool put_if_absent(const std::string& key, std::span<const std::uint8_t> bytes,
                       const std::string& content_type) override;

    const MultipartSizes& multipart_sizes() const { return sizes_; }

  protected:
    // One GET, HEAD or DELETE of an object, signed; with `sink`, a GET's body streams into it.
    virtual HttpResponse object_request(const std::string& method, const std::string& key,
                                        const BodySink* sink) = 0;
    virtual const ServiceCaller& caller() const = 0;
    // The service's error code for "no such object" (a 404 with another code is an error).
    virtual const char* missing_code() const = 0;
    // One PUT; with if_absent, returns false when the object exists (412).
    virtual bool put_single(const std::string& key, const Payload& body,
                            const std::string& content_type, bool if_absent) = 0;
    virtual std::string multipart_begin(const std::string& key,
                                        const std::string& content_type) = 0;
    // Returns the part's ETag as the commit needs it.
    virtual std::string multipart_part(const std::string& key, const std::string& upload_id,
                                       int part_number, const Payload& part) = 0;
    virtual void multipart_commit(const std::string& key, const std::string& upload_id,
                                  const std::vector<std::string>& etags) = 0;
    virtual void multipart_abort(const std::string& key, const std::string& upload_id) = 0;

  private:
    void upload(const std::string& key, const Payload& body, const std::string& content_type);
    MultipartSizes sizes_;
};

}  // namespace fotogal::storage
