// The API keys file: one key per line, `<key_id> <sha256-hex-of-secret> [scope,scope]`
// (scopes upload and read, both when omitted); blank lines and lines starting with # are
// ignored. It holds hashes only, so reading it (or a leaked copy) gives no one a secret.
// scripts/api-key.sh makes a secret and its line.
#pragma once

#include <array>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace fotogal::ingest::auth {

struct ApiKeyEntry {
    std::string id;
    std::array<unsigned char, 32> secret_sha256{};
    std::set<std::string> scopes;
};

// Throws ConfigError naming the file and the line number (never the line's text, which may be
// a secret pasted by mistake).
std::vector<ApiKeyEntry> parse_api_keys(std::string_view text, const std::string& source);
// Also throws ConfigError when the file cannot be read.
std::vector<ApiKeyEntry> read_api_keys_file(const std::filesystem::path& file);

}  // namespace fotogal::ingest::auth
