#include "ingest/auth/api_keys_file.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "common/config.hpp"
#include "ingest/auth/authenticator.hpp"

namespace fotogal::ingest::auth {

namespace {

constexpr std::string_view kFormat =
    "expected '<key_id> <sha256-hex-of-secret> [upload,read]' (scripts/api-key.sh prints one)";

bool valid_key_id(std::string_view id) {
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
               c == '@' || c == ':';
    });
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

bool parse_hash(std::string_view hex, std::array<unsigned char, 32>& out) {
    if (hex.size() != 64) return false;
    for (std::size_t i = 0; i < 32; ++i) {
        int hi = hex_value(hex[2 * i]), lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return true;
}

}  // namespace

std::vector<ApiKeyEntry> parse_api_keys(std::string_view text, const std::string& source) {
    std::vector<ApiKeyEntry> keys;
    std::istringstream lines{std::string(text)};
    std::string line;
    for (int number = 1; std::getline(lines, line); ++number) {
        auto fail = [&](const std::string& what) {
            throw ConfigError("API keys file " + source + ", line " + std::to_string(number) +
                              ": " + what);
        };
        std::istringstream words(line);
        std::vector<std::string> fields;
        for (std::string w; words >> w;) fields.push_back(w);
        if (fields.empty() || fields[0][0] == '#') continue;
        if (fields.size() < 2 || fields.size() > 3) fail(std::string(kFormat));
        ApiKeyEntry entry;
        entry.id = fields[0];
        if (!valid_key_id(entry.id))
            fail("the key id may hold only letters, digits and -_.@: (at most 128); " +
                 std::string(kFormat));
        if (!parse_hash(fields[1], entry.secret_sha256))
            fail(
                "the second field must be the SHA-256 of the secret as 64 hex digits, not the "
                "secret itself; " +
                std::string(kFormat));
        if (fields.size() == 3) {
            std::istringstream scopes(fields[2]);
            for (std::string scope; std::getline(scopes, scope, ',');) {
                if (scope != kScopeUpload && scope != kScopeRead)
                    fail("unknown scope (the scopes are upload and read, comma-separated)");
                entry.scopes.insert(scope);
            }
            if (entry.scopes.empty()) fail("empty scope list; omit it to grant upload and read");
        } else {
            entry.scopes = {std::string(kScopeUpload), std::string(kScopeRead)};
        }
        for (const auto& other : keys) {
            if (other.id == entry.id) fail("the key id " + entry.id + " appears twice");
            if (other.secret_sha256 == entry.secret_sha256)
                fail("the same secret hash as key " + other.id + "; give each key its own secret");
        }
        keys.push_back(std::move(entry));
    }
    return keys;
}

std::vector<ApiKeyEntry> read_api_keys_file(const std::filesystem::path& file) {
    // The mount point of the Secret instead of the file in it is an easy mistake to make.
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec))
        throw ConfigError("the API keys file " + file.string() +
                          " is a directory: point FOTOGAL_API_KEYS_FILE at the file inside it "
                          "(the Secret's key, e.g. " +
                          (file / "keys").string() + ")");
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw ConfigError("cannot read the API keys file " + file.string() + " (" +
                          std::strerror(errno) +
                          "): mount the keys Secret there or point FOTOGAL_API_KEYS_FILE at it");
    std::ostringstream text;
    text << in.rdbuf();
    return parse_api_keys(text.str(), file.string());
}

}  // namespace fotogal::ingest::auth
