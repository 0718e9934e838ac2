#include "common/storage/oci_workload_identity.hpp"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "common/storage/oci_identity_crypto.hpp"
#include "common/storage/signing_crypto.hpp"

namespace fotogal::storage {

namespace {

std::string read_token_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw StorageError("workload_identity: cannot read the service-account token " + path +
                               " (FOTOGAL_OCI_SA_TOKEN_FILE; is a token mounted in the pod?)",
                           false);
    std::ostringstream s;
    s << in.rdbuf();
    std::string token = s.str();
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())))
        token.pop_back();
    if (token.empty())
        throw StorageError("workload_identity: the service-account token " + path + " is empty",
                           false);
    return token;
}

std::string request_id() {
    std::random_device random;
    std::string raw(16, '\0');
    for (auto& c : raw) c = static_cast<char>(random());
    return crypto::hex(raw);
}

}  // namespace

WorkloadIdentitySource::WorkloadIdentitySource(WorkloadIdentityOptions options)
    : options_(std::move(options)), http_(options_.http) {
    if (options_.proxymux_url.empty())
        throw StorageError(
            "workload_identity needs KUBERNETES_SERVICE_HOST (set in every pod) or "
            "FOTOGAL_OCI_PROXYMUX_URL",
            false);
}

std::string WorkloadIdentitySource::fetch_token(EVP_PKEY* session_key) {
    std::string body = nlohmann::json{{"podKey", public_key_pem_body(session_key)}}.dump();
    HttpRequest request{"POST",
                        options_.proxymux_url,
                        {{"Authorization", "Bearer " + read_token_file(options_.token_file)},
                         {"Content-Type", "application/json"},
                         {"opc-request-id", request_id()}},
                        crypto::as_bytes(body),
                        std::nullopt};
    auto r = call_endpoint(http_, request, "workload identity token exchange at " + request.url,
                           "OKE workload identity can only be used in enhanced OKE clusters, "
                           "with a policy for this service account");
    // The answer is base64 of {"token": "ST$<token>"}.
    auto decoded = crypto::base64_decode(r.text());
    auto json = decoded ? nlohmann::json::parse(*decoded, nullptr, false) : nlohmann::json();
    if (!json.is_object() || !json.contains("token") || !json["token"].is_string())
        throw StorageError("workload identity token exchange at " + request.url +
                               ": the answer is not base64 of {\"token\": ...}",
                           true);
    std::string token = json["token"].get<std::string>();
    if (token.starts_with("ST$")) token.erase(0, 3);
    return token;
}

}  // namespace fotogal::storage
