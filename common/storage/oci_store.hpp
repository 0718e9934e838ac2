// oci://{namespace}/{bucket}[/{key prefix}]?region=…[&endpoint=…] — OCI Object Storage through
// its native REST API, every request signed (oci_signer) with the identity FOTOGAL_OCI_AUTH
// chose (oci_credential_source.hpp): an API key or a session token.
#pragma once

#include <memory>

#include "common/storage/http_client.hpp"
#include "common/storage/network_store.hpp"
#include "common/storage/oci_credential_source.hpp"
#include "common/storage/service_call.hpp"

namespace fotogal::storage {

struct OciStoreOptions {
    std::string ns, bucket, prefix;  // prefix: "" or "some/folder/"
    std::string endpoint;            // e.g. https://objectstorage.eu-frankfurt-1.oraclecloud.com
    MultipartSizes sizes;
    RetryPolicy retry;
    HttpOptions http;
};

class OciStore final : public NetworkStore {
  public:
    OciStore(OciStoreOptions options, std::shared_ptr<OciCredentialSource> credentials);

    ListPage list(const std::string& prefix, const std::string& start_after,
                  std::size_t limit) override;
    std::string describe() const override;
    // A pre-authenticated request (ObjectRead / ObjectWrite) for the one object, created
    // through the API on every call: each URL is its own PAR, which OCI keeps (listed on the
    // bucket) until it expires. Callers that redirect often should reuse a URL for part of
    // its life rather than create one per request.
    std::optional<std::string> presigned_get_url(const std::string& key,
                                                 std::chrono::seconds ttl) override;
    std::optional<std::string> presigned_put_url(const std::string& key, std::chrono::seconds ttl,
                                                 const std::string& content_type) override;
    // An ObjectWrite PAR for the one object. A PAR carries no conditions: the size and
    // Content-Type are the client's to keep (the worker checks both before decoding), and the
    // owner is not recorded, since opc-meta-* headers on a PAR upload are the client's word.
    std::optional<DirectUpload> presigned_upload(const std::string& key, std::chrono::seconds ttl,
                                                 const UploadConditions& conditions) override;

  protected:
    HttpResponse object_request(const std::string& method, const std::string& key,
                                const BodySink* sink) override;
    const ServiceCaller& caller() const override { return caller_; }
    const char* missing_code() const override { return "ObjectNotFound"; }
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
        Call(std::string m, std::string pq, const Payload* b = nullptr, std::string ct = {},
             bool object = false)
            : method(std::move(m)),
              path_query(std::move(pq)),
              body(b),
              content_type(std::move(ct)),
              object_body(object) {}
        std::string method, path_query;
        const Payload* body;
        std::string content_type;
        bool object_body;  // PutObject / UploadPart
        HeaderList extra;
        const BodySink* sink = nullptr;
    };
    HttpResponse send(const Call& call);
    std::string object_path(const std::string& key, char kind = 'o') const;
    std::string create_par(const std::string& key, const char* access_type,
                           std::chrono::seconds ttl);

    OciStoreOptions options_;
    std::string host_;
    std::shared_ptr<OciCredentialSource> credentials_;
    HttpClient http_;
    ServiceCaller caller_;
};

}  // namespace fotogal::storage
