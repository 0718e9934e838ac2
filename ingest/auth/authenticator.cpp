#include "ingest/auth/authenticator.hpp"

#include "common/config.hpp"
#include "ingest/auth/api_key_authenticator.hpp"
#include "ingest/auth/oidc_authenticator.hpp"

namespace fotogal::ingest::auth {

namespace {

// FOTOGAL_AUTH=none: everyone is the anonymous principal with every scope.
class OpenAccess final : public Authenticator {
  public:
    AuthResult authenticate(std::string_view, std::string_view) override {
        return Principal{"", "none", {std::string(kScopeUpload), std::string(kScopeRead)}};
    }
};

}  // namespace

std::unique_ptr<Authenticator> make_authenticator(const AuthSettings& settings) {
    if (settings.mode == "api_key") {
        if (settings.api_keys_file.empty())
            throw ConfigError(
                "FOTOGAL_API_KEYS_FILE is empty: FOTOGAL_AUTH=api_key needs the "
                "path of the keys file");
        return std::make_unique<ApiKeyAuthenticator>(settings.api_keys_file);
    }
    if (settings.mode == "oidc") return std::make_unique<OidcAuthenticator>(settings);
    if (settings.mode == "none") return std::make_unique<OpenAccess>();
    throw ConfigError("FOTOGAL_AUTH is '" + settings.mode +
                      "': use api_key (keys file), oidc (JWT bearer tokens) or none (no "
                      "authentication, for local trials only)");
}

}  // namespace fotogal::ingest::auth
