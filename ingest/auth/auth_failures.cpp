#include "ingest/auth/auth_failures.hpp"

#include <algorithm>
#include <cctype>

namespace fotogal::ingest::auth {

namespace {

constexpr std::string_view kRealm = "Bearer realm=\"fotogal\"";
constexpr std::size_t kMaxTokenBytes = 16 * 1024;

// RFC 6750 section 3: error_description is %x20-21 / %x23-5B / %x5D-7E (no quote, no
// backslash, nothing outside printable ASCII).
std::string header_safe(std::string_view text) {
    std::string out;
    for (char c : text) {
        auto u = static_cast<unsigned char>(c);
        out += (u >= 0x20 && u <= 0x7e && c != '"' && c != '\\') ? c : '\'';
    }
    return out;
}

std::string challenge(std::string_view error, std::string_view description) {
    return std::string(kRealm) + ", error=\"" + std::string(error) + "\", error_description=\"" +
           header_safe(description) + "\"";
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// token68 (RFC 9110 section 11.2): what a bearer token may be made of.
bool is_token68(std::string_view s) {
    auto body = s;
    while (!body.empty() && body.back() == '=') body.remove_suffix(1);
    if (body.empty()) return false;
    return std::all_of(body.begin(), body.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
               c == '~' || c == '+' || c == '/';
    });
}

}  // namespace

AuthFailure missing_credential(std::string_view message) {
    return {401, "missing_credential", std::string(message), std::string(kRealm)};
}

AuthFailure invalid_credential(std::string code, std::string_view message) {
    return {401, std::move(code), std::string(message), challenge("invalid_token", message)};
}

AuthFailure malformed_header(std::string_view message) {
    return {401, "malformed_authorization", std::string(message),
            challenge("invalid_request", message)};
}

std::optional<AuthFailure> check_scope(const Principal& principal, std::string_view needed_scope) {
    if (principal.scopes.count(std::string(needed_scope))) return std::nullopt;
    std::string message = "this credential is valid but lacks the scope \"" +
                          std::string(needed_scope) + "\"; ask for a key or token that grants it";
    return AuthFailure{
        403, "insufficient_scope", message,
        std::string(kRealm) + ", error=\"insufficient_scope\", error_description=\"" +
            header_safe(message) + "\", scope=\"" + header_safe(needed_scope) + "\""};
}

BearerToken bearer_token(std::string_view authorization) {
    auto value = trim(authorization);
    constexpr std::string_view kUsage =
        "send the header 'Authorization: Bearer <api key or token>'";
    if (value.empty()) return missing_credential("no credential: " + std::string(kUsage));
    auto space = value.find_first_of(" \t");
    auto scheme = value.substr(0, space);
    auto is_bearer = scheme.size() == 6 &&
                     std::equal(scheme.begin(), scheme.end(), "bearer", [](char a, char b) {
                         return std::tolower(static_cast<unsigned char>(a)) == b;
                     });
    if (!is_bearer)
        return missing_credential("the Authorization scheme is not Bearer: " + std::string(kUsage));
    if (space == std::string_view::npos)
        return malformed_header("the Bearer credential is empty: " + std::string(kUsage));
    auto token = trim(value.substr(space));
    if (token.empty())
        return malformed_header("the Bearer credential is empty: " + std::string(kUsage));
    if (token.size() > kMaxTokenBytes)
        return malformed_header("the Bearer credential is longer than 16 KiB");
    if (!is_token68(token))
        return malformed_header(
            "the Bearer credential holds characters a key or token cannot contain (one line, "
            "letters, digits and -._~+/ only)");
    return token;
}

}  // namespace fotogal::ingest::auth
