// s3://{bucket}[/{key prefix}]?endpoint=…&region=… — any S3-compatible service (AWS S3, OCI's
// S3 compatibility API, MinIO, versitygw) with SigV4 and path-style addressing
// ({endpoint}/{bucket}/{key}), which OCI's compatibility endpoint requires.
#pragma once

#include "common/storage/http_client.hpp"
#include "common/storage/network_store.hpp"
#include "common/storage/service_call.hpp"
#include "common/storage/sigv4_signer.hpp"

namespace fotogal::storage {

struct S3StoreOptions {
    std::string bucket, prefix;  // prefix: "" or "some/folder/"
    std::string endpoint;        // e.g. https://s3.eu-west-1.amazonaws.com
    std::string region;
    MultipartSizes sizes;
    RetryPolicy retry;
    HttpOptions http;
};

class S3Store final : public NetworkStore {
  public:
    S3Store(S3StoreOptions options, AwsCredentials credentials);

    ListPage list(const std::string& prefix, const std::string& start_after,
                  std::size_t limit) override;
    std::string describe() const override;
    std::optional<std::string> presigned_get_url(const std::string& key,
                                                 std::chrono::seconds ttl) override;
    std::optional<std::string> presigned_put_url(const std::string& key, std::chrono::seconds ttl,
                                                 const std::string& content_type) override;
    // Signs Content-Type, Content-Length (when the size is declared) and x-amz-meta-owner
    // (the owner percent-encoded, RFC 3986), so S3 refuses a PUT that differs in any of them.
    std::optional<DirectUpload> presigned_upload(const std::string& key, std::chrono::seconds ttl,
                                                 const UploadConditions& conditions) override;

  protected:
    HttpResponse object_request(const std::string& method, const std::string& key,
                                const BodySink* sink) override;
    const ServiceCaller& caller() const override { return caller_; }
    const char* missing_code() const override { return "NoSuchKey"; }
    bool put_single(const std::string& key, const Payload& body, const std::string& content_type,
                    bool if_absent) override;
    std::string multipart_begin(const std::string& key, const std::string& content_type) override;
    std::string multipart_part(const std::string& key, const std::string& upload_id,
                               int part_number, const Payload& part) override;
    void multipart_commit(const std::string& key, const std::string& upload_id,
                          const std::vector<std::string>& etags) override;
    void multipart_abort(const std::string& key, const std::string& upload_id) override;

  private:
    struct Call {
        std::string method;
        std::string key;  // object key without the store prefix; empty for bucket calls
        std::vector<std::pair<std::string, std::string>> query;
        const Payload* body = nullptr;
        HeaderList extra;  // signed and sent
        const BodySink* sink = nullptr;
    };
    HttpResponse send(const Call& call);
    std::string object_uri(const std::string& key) const;
    std::string presign(const std::string& method, const std::string& key, std::chrono::seconds ttl,
                        HeaderList signed_headers) const;

    S3StoreOptions options_;
    std::string host_;
    SigV4Signer signer_;
    HttpClient http_;
    ServiceCaller caller_;
};

}  // namespace fotogal::storage
