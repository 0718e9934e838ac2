#include "common/storage/storage_url.hpp"

#include <cctype>
#include <charconv>

#include "common/storage/object_store.hpp"

namespace fotogal::storage {

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
            (keep_slash && c == '/')) {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string uri_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '%' && i + 2 < text.size()) {
            int hi = hex_value(text[i + 1]), lo = hex_value(text[i + 2]);
            if (hi >= 0 && lo >= 0) {
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

std::string host_of(const std::string& endpoint) {
    auto start = endpoint.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    auto end = endpoint.find('/', start);
    return endpoint.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

StorageUrl parse_storage_url(const std::string& url) {
    StorageUrl out;
    auto sep = url.find("://");
    if (sep == std::string::npos || sep == 0)
        throw StorageError("storage URL '" + url + "' has no scheme://", false);
    out.scheme = url.substr(0, sep);
    std::string rest = url.substr(sep + 3);
    std::string query;
    if (auto q = rest.find('?'); q != std::string::npos) {
        query = rest.substr(q + 1);
        rest.resize(q);
    }
    auto slash = rest.find('/');
    out.authority = uri_decode(rest.substr(0, slash));
    if (slash != std::string::npos) out.path = uri_decode(rest.substr(slash + 1));
    while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
    if (out.authority.empty())
        throw StorageError("storage URL '" + url + "' names no bucket or namespace", false);
    std::size_t pos = 0;
    while (pos < query.size()) {
        auto amp = query.find('&', pos);
        if (amp == std::string::npos) amp = query.size();
        std::string_view item(query.data() + pos, amp - pos);
        if (!item.empty()) {
            auto eq = item.find('=');
            std::string name = uri_decode(item.substr(0, eq));
            std::string value = eq == std::string_view::npos ? "" : uri_decode(item.substr(eq + 1));
            out.params[name] = value;
        }
        pos = amp + 1;
    }
    return out;
}

std::string StorageUrl::param(const std::string& name, const std::string& fallback) const {
    auto it = params.find(name);
    return it == params.end() || it->second.empty() ? fallback : it->second;
}

std::uint64_t StorageUrl::size_param(const std::string& name, std::uint64_t fallback) const {
    std::string text = param(name);
    if (text.empty()) return fallback;
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t scale = 0;
    if (unit.empty() || unit == "B") scale = 1;
    if (unit == "KiB") scale = 1024;
    if (unit == "MiB") scale = 1024 * 1024;
    if (unit == "KB") scale = 1000;
    if (unit == "MB") scale = 1000 * 1000;
    if (ec != std::errc{} || scale == 0 || value == 0)
        throw StorageError("storage URL parameter " + name + "='" + text +
                               "' is not a size (e.g. 16MiB or 16777216)",
                           false);
    return value * scale;
}

}  // namespace fotogal::storage
