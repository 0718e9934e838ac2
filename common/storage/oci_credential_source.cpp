#include "common/storage/oci_credential_source.hpp"

#include "common/storage/oci_api_key_source.hpp"
#include "common/storage/oci_instance_principal.hpp"
#include "common/storage/oci_workload_identity.hpp"

namespace fotogal::storage {

namespace {

std::string setting_or(const SettingLookup& settings, const std::string& name,
                       const std::string& fallback) {
    std::string value = settings(name);
    return value.empty() ? fallback : value;
}

std::string default_proxymux_url(const SettingLookup& settings) {
    std::string host = settings("KUBERNETES_SERVICE_HOST");
    if (host.empty()) return "";
    if (host.find(':') != std::string::npos) host = "[" + host + "]";  // IPv6
    return "https://" + host + ":12250/resourcePrincipalSessionTokens";
}

}  // namespace

std::shared_ptr<OciCredentialSource> make_oci_credential_source(const SettingLookup& settings,
                                                                const HttpOptions& http) {
    std::string mode = setting_or(settings, "FOTOGAL_OCI_AUTH", "api_key");
    if (mode == "api_key") return std::make_shared<ApiKeySource>(load_oci_credentials(settings));
    if (mode == "instance_principal") {
        InstancePrincipalOptions o;
        o.metadata_url = setting_or(settings, "FOTOGAL_OCI_METADATA_URL", o.metadata_url);
        o.federation_url = settings("FOTOGAL_OCI_FEDERATION_URL");
        o.region = settings("FOTOGAL_OCI_REGION");
        o.http = http;
        return std::make_shared<InstancePrincipalSource>(std::move(o));
    }
    if (mode == "workload_identity") {
        WorkloadIdentityOptions o;
        o.proxymux_url =
            setting_or(settings, "FOTOGAL_OCI_PROXYMUX_URL", default_proxymux_url(settings));
        o.token_file = setting_or(settings, "FOTOGAL_OCI_SA_TOKEN_FILE", o.token_file);
        o.region =
            setting_or(settings, "FOTOGAL_OCI_REGION", settings("OCI_RESOURCE_PRINCIPAL_REGION"));
        o.http = http;
        o.http.ca_file = setting_or(settings, "OCI_KUBERNETES_SERVICE_ACCOUNT_CERT_PATH",
                                    "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt");
        return std::make_shared<WorkloadIdentitySource>(std::move(o));
    }
    throw StorageError("FOTOGAL_OCI_AUTH='" + mode +
                           "' is not one of api_key, instance_principal, workload_identity",
                       false);
}

}  // namespace fotogal::storage
