#include "common/storage/oci_instance_principal.hpp"

#include <nlohmann/json.hpp>

#include "common/storage/oci_identity_crypto.hpp"
#include "common/storage/signing_crypto.hpp"

namespace fotogal::storage {

namespace {

std::string trim_slash(std::string url) {
    while (url.ends_with("/")) url.pop_back();
    return url;
}

}  // namespace

InstancePrincipalSource::InstancePrincipalSource(InstancePrincipalOptions options)
    : options_(std::move(options)), http_(options_.http) {
    options_.metadata_url = trim_slash(options_.metadata_url);
    if (!options_.region.empty() && !options_.federation_url.empty()) return;
    // regionInfo gives the full region name (/instance/region may give a short code) and
    // the realm's domain, which the default federation endpoint is built from.
    auto info = nlohmann::json::parse(metadata("/instance/regionInfo"), nullptr, false);
    std::string region = info.is_object() ? info.value("regionIdentifier", "") : "";
    std::string domain = info.is_object() ? info.value("realmDomainComponent", "") : "";
    if (region.empty() || domain.empty())
        throw StorageError("instance metadata " + options_.metadata_url +
                               "/instance/regionInfo: no regionIdentifier/realmDomainComponent",
                           false);
    if (options_.region.empty()) options_.region = region;
    if (options_.federation_url.empty())
        options_.federation_url = "https://auth." + region + "." + domain + "/v1/x509";
}

std::string InstancePrincipalSource::metadata(const std::string& path) {
    HttpRequest request{"GET",
                        options_.metadata_url + path,
                        {{"Authorization", "Bearer Oracle"}},
                        {},
                        std::nullopt};
    return call_endpoint(http_, request, "instance metadata " + request.url,
                         "instance_principal needs the OCI instance metadata service; is this "
                         "an OCI instance, and is the metadata endpoint reachable from the pod?")
        .text();
}

std::string InstancePrincipalSource::fetch_token(EVP_PKEY* session_key) {
    LeafCertificate leaf = read_leaf_certificate(metadata("/identity/cert.pem"),
                                                 "instance metadata /identity/cert.pem");
    PrivateKey leaf_key =
        load_private_key(metadata("/identity/key.pem"), "", "instance metadata /identity/key.pem");
    std::string intermediate = pem_body(metadata("/identity/intermediate.pem"));

    std::string body = nlohmann::json{
        {"certificate", leaf.pem_body},
        {"publicKey", public_key_pem_body(session_key)},
        {"intermediateCertificates",
         {intermediate}}}.dump();
    std::string date = http_date_now();
    std::string sha = crypto::base64(crypto::sha256(std::string_view(body)));
    std::string target = options_.federation_url;
    auto scheme = target.find("://");
    auto path_start = target.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    std::string path = path_start == std::string::npos ? "/" : target.substr(path_start);
    // Signed with the leaf key as the SDKs do: date, (request-target) and the body headers,
    // no host.
    HeaderList signed_headers{{"date", date},
                              {"(request-target)", "post " + path},
                              {"content-length", std::to_string(body.size())},
                              {"content-type", "application/json"},
                              {"x-content-sha256", sha}};
    OciSigner signer(leaf.tenancy + "/fed-x509/" + leaf.sha1_fingerprint, leaf_key);
    HttpRequest request{"POST",
                        target,
                        {{"date", date},
                         {"content-type", "application/json"},
                         {"x-content-sha256", sha},
                         {"authorization", signer.authorization(signed_headers)}},
                        crypto::as_bytes(body),
                        std::nullopt};
    auto r = call_endpoint(http_, request, "x509 federation " + target,
                           "the instance must be in a dynamic group that a policy allows");
    auto json = nlohmann::json::parse(r.text(), nullptr, false);
    if (!json.is_object() || !json.contains("token") || !json["token"].is_string())
        throw StorageError("x509 federation " + target + ": the answer has no token", true);
    return json["token"].get<std::string>();
}

}  // namespace fotogal::storage
