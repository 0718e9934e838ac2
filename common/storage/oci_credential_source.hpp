// Where the oci:// backend gets the key id and private key that sign each request, chosen by
// FOTOGAL_OCI_AUTH:
//   api_key             (default) a user's API key from the OCI config file / FOTOGAL_OCI_*
//                       settings (oci_config.hpp); keyId tenancy/user/fingerprint
//   instance_principal  the node's identity: certificates from the instance metadata service
//                       exchanged for a session token (oci_instance_principal.hpp)
//   workload_identity   OKE workload identity: the pod's service-account token exchanged at
//                       the cluster's proxymux endpoint (oci_workload_identity.hpp)
// The last two sign with a session key pair made in memory and keyId "ST$<token>", and
// refresh the token before it expires (oci_session_source.hpp).
#pragma once

#include <memory>
#include <string>

#include "common/storage/http_client.hpp"
#include "common/storage/object_store.hpp"
#include "common/storage/oci_signer.hpp"

namespace fotogal::storage {

// What one request is signed with. The key is shared and immutable; hold the whole struct
// for the duration of a request so a refresh cannot swap the key under it.
struct SigningIdentity {
    std::string key_id;
    PrivateKey key;
};

class OciCredentialSource {
  public:
    virtual ~OciCredentialSource() = default;
    // Safe to call from many threads at once. May block while a session token is fetched;
    // throws StorageError when no usable identity can be had.
    virtual SigningIdentity identity() = 0;
    // The service answered 401 to a request signed with `used`: a session source fetches a
    // new token for the next request rather than waiting for its refresh time.
    virtual void rejected(const SigningIdentity& used) { (void)used; }
    // The region the identity knows of ("" when none): the default for the endpoint.
    virtual std::string region() const = 0;
    // The FOTOGAL_OCI_AUTH value, for messages.
    virtual const char* mode() const = 0;
};

// Reads FOTOGAL_OCI_AUTH and the settings of the chosen mode. Throws StorageError for an
// unknown mode or missing settings.
std::shared_ptr<OciCredentialSource> make_oci_credential_source(const SettingLookup& settings,
                                                                const HttpOptions& http);

}  // namespace fotogal::storage
