// Where the OCI backend gets its API key: an OCI config file (the SDK/CLI format, default
// ~/.oci/config) and/or FOTOGAL_OCI_* settings, which win over the file field by field.
//
//   FOTOGAL_OCI_CONFIG       config file (default ~/.oci/config; optional when the settings
//                            below give everything)
//   FOTOGAL_OCI_PROFILE      profile in that file (default DEFAULT; DEFAULT's values are
//                            inherited by other profiles)
//   FOTOGAL_OCI_USER, FOTOGAL_OCI_TENANCY, FOTOGAL_OCI_FINGERPRINT, FOTOGAL_OCI_REGION,
//   FOTOGAL_OCI_KEY_FILE, FOTOGAL_OCI_PASS_PHRASE   the config file's fields
//   FOTOGAL_OCI_KEY_CONTENT  the PEM itself (e.g. from a Kubernetes secret) instead of a file
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "common/storage/object_store.hpp"
#include "common/storage/oci_signer.hpp"

namespace fotogal::storage {

struct OciCredentials {
    std::string user, tenancy, fingerprint, region;
    PrivateKey key;
    std::string key_id() const { return tenancy + "/" + user + "/" + fingerprint; }
};

// Sections of an INI file: {"DEFAULT": {...}, "other": {...}}.
std::map<std::string, std::map<std::string, std::string>> parse_oci_config(const std::string& text);

// Throws StorageError naming the missing field and where it was looked for. A fingerprint
// that does not match the key is refused (it would only give 401s later); a missing one is
// computed from the key.
OciCredentials load_oci_credentials(const SettingLookup& lookup);

}  // namespace fotogal::storage
