// FOTOGAL_OCI_AUTH=instance_principal: the compute instance's (an OKE node's) own identity.
// The instance metadata service (IMDS v2) gives the region, a leaf certificate with its
// private key and an intermediate certificate; a signed call to the identity service's x509
// federation endpoint exchanges them, with the session public key, for a session token. The
// certificates rotate, so every refresh reads them again.
//
//   FOTOGAL_OCI_METADATA_URL    IMDS base (default http://169.254.169.254/opc/v2)
//   FOTOGAL_OCI_FEDERATION_URL  default https://auth.<region>.<realm domain>/v1/x509
//   FOTOGAL_OCI_REGION          region (default: the instance's, from IMDS)
#pragma once

#include "common/storage/oci_session_source.hpp"

namespace fotogal::storage {

struct InstancePrincipalOptions {
    std::string metadata_url = "http://169.254.169.254/opc/v2";
    std::string federation_url;  // "" = from the region
    std::string region;          // "" = from IMDS
    HttpOptions http;
};

class InstancePrincipalSource final : public OciSessionSource {
  public:
    // Asks IMDS for the region (unless given); throws StorageError when it cannot.
    explicit InstancePrincipalSource(InstancePrincipalOptions options);

    std::string region() const override { return options_.region; }
    const char* mode() const override { return "instance_principal"; }
    const std::string& federation_url() const { return options_.federation_url; }

  protected:
    std::string fetch_token(EVP_PKEY* session_key) override;

  private:
    std::string metadata(const std::string& path);

    InstancePrincipalOptions options_;
    HttpClient http_;
};

}  // namespace fotogal::storage
