#include "common/storage/xml_fields.hpp"

#include <cstdlib>

namespace fotogal::storage::xml {

namespace {

std::string unescape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        auto semi = s.find(';', i);
        if (semi == std::string_view::npos) {
            out += s[i];
            continue;
        }
        std::string_view ent = s.substr(i + 1, semi - i - 1);
        if (ent == "amp")
            out += '&';
        else if (ent == "lt")
            out += '<';
        else if (ent == "gt")
            out += '>';
        else if (ent == "quot")
            out += '"';
        else if (ent == "apos")
            out += '\'';
        else if (ent.starts_with("#")) {
            std::string num(ent.substr(1));
            long code = num.starts_with("x") ? std::strtol(num.c_str() + 1, nullptr, 16)
                                             : std::strtol(num.c_str(), nullptr, 10);
            if (code < 0x80) {
                out += static_cast<char>(code);
            } else if (code < 0x800) {
                out += static_cast<char>(0xC0 | (code >> 6));
                out += static_cast<char>(0x80 | (code & 0x3F));
            } else if (code < 0x10000) {
                out += static_cast<char>(0xE0 | (code >> 12));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
            } else {
                out += static_cast<char>(0xF0 | (code >> 18));
                out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
                out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
                out += static_cast<char>(0x80 | (code & 0x3F));
            }
        } else {
            out += s.substr(i, semi - i + 1);
        }
        i = semi;
    }
    return out;
}

}  // namespace

std::vector<std::string_view> blocks(std::string_view doc, std::string_view tag) {
    std::vector<std::string_view> out;
    std::string open = "<" + std::string(tag) + ">", close = "</" + std::string(tag) + ">";
    std::size_t pos = 0;
    for (;;) {
        auto b = doc.find(open, pos);
        if (b == std::string_view::npos) break;
        b += open.size();
        auto e = doc.find(close, b);
        if (e == std::string_view::npos) break;
        out.push_back(doc.substr(b, e - b));
        pos = e + close.size();
    }
    return out;
}

std::vector<std::string> all(std::string_view doc, std::string_view tag) {
    std::vector<std::string> out;
    for (auto b : blocks(doc, tag)) out.push_back(unescape(b));
    return out;
}

std::string first(std::string_view doc, std::string_view tag) {
    auto b = blocks(doc, tag);
    return b.empty() ? std::string() : unescape(b.front());
}

std::string escape(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&apos;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace fotogal::storage::xml
