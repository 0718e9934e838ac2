#include "common/storage/oci_config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/storage/object_store.hpp"

namespace fotogal::storage {

namespace {

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    auto e = s.find_last_not_of(" \t\r");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string expand_home(const std::string& path) {
    if (!path.starts_with("~")) return path;
    const char* home = std::getenv("HOME");
    return std::string(home ? home : "") + path.substr(1);
}

std::optional<std::string> read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

SettingLookup environment_lookup() {
    return [](const std::string& name) {
        const char* v = std::getenv(name.c_str());
        return std::string(v ? v : "");
    };
}

std::map<std::string, std::map<std::string, std::string>> parse_oci_config(
    const std::string& text) {
    std::map<std::string, std::map<std::string, std::string>> out;
    std::string section;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        line = trim(line);
        if (line.empty() || line[0] == '#' || line[0] == ';') continue;
        if (line.front() == '[' && line.back() == ']') {
            section = trim(line.substr(1, line.size() - 2));
            out[section];
            continue;
        }
        auto eq = line.find('=');
        if (eq == std::string::npos || section.empty()) continue;
        out[section][trim(line.substr(0, eq))] = trim(line.substr(eq + 1));
    }
    return out;
}

OciCredentials load_oci_credentials(const SettingLookup& lookup) {
    std::string file_setting = lookup("FOTOGAL_OCI_CONFIG");
    std::string path = expand_home(file_setting.empty() ? "~/.oci/config" : file_setting);
    std::string profile = lookup("FOTOGAL_OCI_PROFILE");
    if (profile.empty()) profile = "DEFAULT";

    std::map<std::string, std::string> fields;
    auto text = read_file(path);
    if (!text && !file_setting.empty())
        throw StorageError("OCI config file " + path + " (FOTOGAL_OCI_CONFIG) cannot be read",
                           false);
    if (text) {
        auto sections = parse_oci_config(*text);
        if (!sections.count(profile) && !lookup("FOTOGAL_OCI_PROFILE").empty())
            throw StorageError("OCI config file " + path + " has no profile [" + profile + "]",
                               false);
        fields = sections["DEFAULT"];
        for (const auto& [k, v] : sections[profile]) fields[k] = v;
    }
    std::string where =
        text ? "profile [" + profile + "] of " + path : "(no config file at " + path + ")";
    auto env_name = [](const std::string& name) {
        std::string env = "FOTOGAL_OCI_";
        for (char c : name) env += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return env;
    };
    auto field = [&](const std::string& name) {
        std::string v = lookup(env_name(name));
        if (v.empty() && fields.count(name)) v = fields[name];
        return v;
    };
    auto required = [&](const std::string& name) {
        std::string v = field(name);
        if (v.empty())
            throw StorageError("OCI credentials: '" + name + "' is set neither in " + where +
                                   " nor by " + env_name(name),
                               false);
        return v;
    };

    OciCredentials c;
    c.user = required("user");
    c.tenancy = required("tenancy");
    c.region = field("region");
    std::string pass = field("pass_phrase");
    std::string pem = lookup("FOTOGAL_OCI_KEY_CONTENT"), source = "FOTOGAL_OCI_KEY_CONTENT";
    if (pem.empty()) {
        std::string key_file = expand_home(required("key_file"));
        auto key_text = read_file(key_file);
        if (!key_text)
            throw StorageError("OCI key_file " + key_file + " (from " + where + ") cannot be read",
                               false);
        pem = *key_text;
        source = key_file;
    }
    c.key = load_private_key(pem, pass, source);
    std::string actual = key_fingerprint(c.key.get());
    c.fingerprint = field("fingerprint");
    if (c.fingerprint.empty()) c.fingerprint = actual;
    if (c.fingerprint != actual)
        throw StorageError("OCI fingerprint " + c.fingerprint + " does not match the key in " +
                               source + " (its fingerprint is " + actual + ")",
                           false);
    return c;
}

}  // namespace fotogal::storage
