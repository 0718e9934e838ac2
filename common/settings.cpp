#include "common/settings.hpp"

#include <cstdlib>

namespace fotogal::settings {

std::vector<SettingSpec> kafka() {
    return {
        {"FOTOGAL_KAFKA_BROKERS", "127.0.0.1:19092", "Kafka bootstrap servers (host:port,...)"},
        {"FOTOGAL_KAFKA_SECURITY_PROTOCOL", "PLAINTEXT",
         "PLAINTEXT, or SASL_SSL for OCI Streaming"},
        {"FOTOGAL_KAFKA_SASL_MECHANISM", "PLAIN", "SASL mechanism when SASL is used"},
        {"FOTOGAL_KAFKA_SASL_USERNAME", "",
         "SASL user (OCI Streaming: tenancy/user/streampoolOCID)"},
        {"FOTOGAL_KAFKA_SASL_PASSWORD", "", "SASL password (OCI Streaming: an auth token)"},
        {"FOTOGAL_KAFKA_SASL_PASSWORD_FILE", "",
         "file holding the SASL password (wins over FOTOGAL_KAFKA_SASL_PASSWORD)"},
        {"FOTOGAL_KAFKA_IDEMPOTENCE", "true",
         "idempotent producer; set false for OCI Streaming, which rejects it"},
        {"FOTOGAL_KAFKA_PROPERTIES", "",
         "extra librdkafka properties, 'key=value;key=value' (applied last)"},
    };
}

std::vector<SettingSpec> topics() {
    return {
        {"FOTOGAL_TOPIC_UPLOADS", "fotogal.uploads", "topic of upload events"},
        {"FOTOGAL_TOPIC_REPROCESS", "fotogal.reprocess", "topic of reprocess events"},
        {"FOTOGAL_TOPIC_RESULTS", "fotogal.results", "topic of processed/failed events"},
        {"FOTOGAL_TOPIC_DLQ", "fotogal.dlq", "dead-letter topic"},
    };
}

std::vector<SettingSpec> storage() {
    return {{"FOTOGAL_STORAGE", "file://./fotogal-data",
             "object storage URL: file:///path, s3://bucket?endpoint=...&region=..., "
             "oci://namespace/bucket?region=... (s3:// reads AWS_ACCESS_KEY_ID, "
             "AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN from the environment)"},
            {"FOTOGAL_OCI_CONFIG", "", "oci://: OCI config file (empty: ~/.oci/config)"},
            {"FOTOGAL_OCI_PROFILE", "", "oci://: profile in the config file (empty: DEFAULT)"},
            {"FOTOGAL_OCI_USER", "", "oci://: user OCID (wins over the config file)"},
            {"FOTOGAL_OCI_TENANCY", "", "oci://: tenancy OCID (wins over the config file)"},
            {"FOTOGAL_OCI_FINGERPRINT", "",
             "oci://: API key fingerprint (empty: computed from the key)"},
            {"FOTOGAL_OCI_KEY_FILE", "", "oci://: PEM private key file"},
            {"FOTOGAL_OCI_KEY_CONTENT", "",
             "oci://: the PEM private key itself; prefer the environment to a flag"},
            {"FOTOGAL_OCI_PASS_PHRASE", "",
             "oci://: pass phrase of the key; prefer the environment to a flag"},
            {"FOTOGAL_OCI_REGION", "", "oci://: region when the URL has none"},
            {"FOTOGAL_OCI_AUTH", "api_key",
             "oci://: identity that signs requests: api_key, instance_principal or "
             "workload_identity"},
            {"FOTOGAL_OCI_METADATA_URL", "",
             "oci:// instance_principal: metadata service base (empty: "
             "http://169.254.169.254/opc/v2)"},
            {"FOTOGAL_OCI_FEDERATION_URL", "",
             "oci:// instance_principal: x509 federation endpoint (empty: "
             "https://auth.<region>.<realm domain>/v1/x509)"},
            {"FOTOGAL_OCI_PROXYMUX_URL", "",
             "oci:// workload_identity: token exchange endpoint (empty: "
             "https://$KUBERNETES_SERVICE_HOST:12250/resourcePrincipalSessionTokens)"},
            {"FOTOGAL_OCI_SA_TOKEN_FILE", "",
             "oci:// workload_identity: service-account token (empty: "
             "/var/run/secrets/kubernetes.io/serviceaccount/token)"}};
}

storage::SettingLookup storage_lookup(const Config& config) {
    return [&config](const std::string& name) -> std::string {
        if (name.starts_with("FOTOGAL_")) return config.str(name);
        // AWS_* credentials; KUBERNETES_SERVICE_HOST and the OCI_* variables the OCI SDKs read
        const char* value = std::getenv(name.c_str());
        return value ? value : "";
    };
}

std::vector<SettingSpec> listen(const char* default_address) {
    return {{"FOTOGAL_LISTEN", default_address,
             "host:port of the HTTP endpoint (port 0 picks a free port)"}};
}

std::vector<SettingSpec> shutdown() {
    return {{"FOTOGAL_SHUTDOWN_GRACE", "20",
             "seconds to finish in-flight work after SIGTERM before abandoning it"}};
}

std::vector<SettingSpec> join(std::initializer_list<std::vector<SettingSpec>> groups) {
    std::vector<SettingSpec> all;
    for (const auto& group : groups) all.insert(all.end(), group.begin(), group.end());
    return all;
}

}  // namespace fotogal::settings
