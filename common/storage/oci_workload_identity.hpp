// FOTOGAL_OCI_AUTH=workload_identity: OKE workload identity (enhanced clusters). The pod's
// Kubernetes service-account token is exchanged at the cluster's proxymux endpoint, with the
// session public key, for a resource-principal session token. The service-account token is
// read again for every exchange, since the kubelet rotates it.
//
//   FOTOGAL_OCI_PROXYMUX_URL  default
//   https://$KUBERNETES_SERVICE_HOST:12250/resourcePrincipalSessionTokens FOTOGAL_OCI_SA_TOKEN_FILE
//   default /var/run/secrets/kubernetes.io/serviceaccount/token
//   OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH  CA for the endpoint's TLS (default the
//                             service account's ca.crt), as the OCI SDKs read it
//   FOTOGAL_OCI_REGION        region (default OCI_RESOURCE_PRINCIPAL_REGION, as the SDKs)
#pragma once

#include "common/storage/oci_session_source.hpp"

namespace fotogal::storage {

struct WorkloadIdentityOptions {
    std::string proxymux_url;
    std::string token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
    std::string region;
    HttpOptions http;  // its ca_file verifies the endpoint
};

class WorkloadIdentitySource final : public OciSessionSource {
  public:
    explicit WorkloadIdentitySource(WorkloadIdentityOptions options);

    std::string region() const override { return options_.region; }
    const char* mode() const override { return "workload_identity"; }

  protected:
    std::string fetch_token(EVP_PKEY* session_key) override;

  private:
    WorkloadIdentityOptions options_;
    HttpClient http_;
};

}  // namespace fotogal::storage
