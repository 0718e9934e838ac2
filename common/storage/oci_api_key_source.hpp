// FOTOGAL_OCI_AUTH=api_key (the default): a user's API key, loaded once (oci_config.hpp).
#pragma once

#include "common/storage/oci_config.hpp"
#include "common/storage/oci_credential_source.hpp"

namespace fotogal::storage {

class ApiKeySource final : public OciCredentialSource {
  public:
    explicit ApiKeySource(const OciCredentials& credentials)
        : identity_{credentials.key_id(), credentials.key}, region_(credentials.region) {}

    SigningIdentity identity() override { return identity_; }
    std::string region() const override { return region_; }
    const char* mode() const override { return "api_key"; }

  private:
    const SigningIdentity identity_;
    const std::string region_;
};

}  // namespace fotogal::storage
