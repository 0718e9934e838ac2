#include "common/http/request_head.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace fotogal::http {

namespace {

constexpr std::size_t kMaxHeaderFields = 100;

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_token_char);
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

HeadParse invalid(int status, std::string message) {
    HeadParse p;
    p.state = HeadParse::State::invalid;
    p.error = {status, std::move(message)};
    return p;
}

std::optional<HeadParse> parse_request_line(std::string_view line, Request& req) {
    auto sp1 = line.find(' ');
    auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1)
        return invalid(400, "the request line is not 'METHOD target HTTP/1.1'");
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    std::string_view version = line.substr(sp2 + 1);
    if (!is_token(req.method)) return invalid(400, "the request method is not a token");
    if (req.target.empty() || (req.target[0] != '/' && req.target != "*") ||
        req.target.find_first_of(" \t") != std::string::npos)
        return invalid(400, "the request target must be a path starting with '/'");
    if (version == "HTTP/1.1") {
        req.minor_version = 1;
    } else if (version == "HTTP/1.0") {
        req.minor_version = 0;
    } else if (version.starts_with("HTTP/")) {
        return invalid(505, "only HTTP/1.0 and HTTP/1.1 are served");
    } else {
        return invalid(400, "the request line has no HTTP version");
    }
    auto q = req.target.find('?');
    req.path = req.target.substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    return std::nullopt;
}

std::optional<HeadParse> decide_framing(RequestHead& head) {
    const Request& req = head.request;
    bool has_length = false;
    std::uint64_t length = 0;
    for (const auto& [name, value] : req.headers) {
        if (name != "content-length") continue;
        std::uint64_t n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || end != value.data() + value.size() || value.empty())
            return invalid(400, "Content-Length is not a number");
        if (has_length && n != length) return invalid(400, "conflicting Content-Length headers");
        has_length = true;
        length = n;
    }
    bool chunked = false;
    for (const auto& [name, value] : req.headers) {
        if (name != "transfer-encoding") continue;
        if (!iequals(trim_ows(value), "chunked"))
            return invalid(501, "only the chunked transfer coding is supported");
        if (chunked) return invalid(400, "Transfer-Encoding repeated");
        chunked = true;
    }
    if (chunked && has_length)
        return invalid(400, "a request may not carry both Content-Length and Transfer-Encoding");
    if (chunked) {
        if (req.minor_version == 0) return invalid(400, "HTTP/1.0 has no chunked coding");
        head.framing.kind = BodyFraming::Kind::chunked;
    } else if (has_length && length > 0) {
        head.framing = {BodyFraming::Kind::length, length};
    }
    return std::nullopt;
}

}  // namespace

HeadParse parse_request_head(std::string_view buffer, std::size_t max_head_bytes) {
    // Robustness (RFC 9112 §2.2): empty lines before the request line are ignored.
    std::size_t start = 0;
    while (start + 1 < buffer.size() && buffer[start] == '\r' && buffer[start + 1] == '\n')
        start += 2;
    auto end = buffer.find("\r\n\r\n", start);
    if (end == std::string_view::npos) {
        if (buffer.size() > max_head_bytes)
            return invalid(431, "the request head is larger than " +
                                    std::to_string(max_head_bytes) + " bytes");
        return {};
    }
    if (end + 4 > max_head_bytes + start)
        return invalid(
            431, "the request head is larger than " + std::to_string(max_head_bytes) + " bytes");
    HeadParse parse;
    RequestHead& head = parse.head;
    head.head_bytes = end + 4;
    std::string_view text = buffer.substr(start, end - start);
    auto line_end = text.find("\r\n");
    if (auto bad = parse_request_line(text.substr(0, line_end), head.request)) return *bad;
    std::string_view fields =
        line_end == std::string_view::npos ? std::string_view{} : text.substr(line_end + 2);
    while (!fields.empty()) {
        auto eol = fields.find("\r\n");
        std::string_view line = fields.substr(0, eol);
        fields = eol == std::string_view::npos ? std::string_view{} : fields.substr(eol + 2);
        if (line.empty() || line[0] == ' ' || line[0] == '\t')
            return invalid(400, "folded or empty header lines are not accepted");
        auto colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
            return invalid(400, "a header line is not 'Name: value'");
        if (line.find_first_of("\r\n") != std::string_view::npos ||
            line.find('\0') != std::string_view::npos)
            return invalid(400, "a header value holds a control character");
        if (head.request.headers.size() == kMaxHeaderFields)
            return invalid(431, "more than " + std::to_string(kMaxHeaderFields) + " header fields");
        head.request.headers.emplace_back(lower(line.substr(0, colon)),
                                          std::string(trim_ows(line.substr(colon + 1))));
    }
    if (head.request.minor_version == 1 && !head.request.has_header("host"))
        return invalid(400, "HTTP/1.1 requests need a Host header");
    if (auto bad = decide_framing(head)) return *bad;
    std::string_view connection = head.request.header("connection");
    head.keep_alive = head.request.minor_version == 1 ? !list_contains(connection, "close")
                                                      : list_contains(connection, "keep-alive");
    std::string_view expect = head.request.header("expect");
    if (!expect.empty()) {
        if (!iequals(trim_ows(expect), "100-continue"))
            return invalid(417, "only 'Expect: 100-continue' is understood");
        head.expect_continue = head.request.minor_version == 1;
    }
    parse.state = HeadParse::State::complete;
    return parse;
}

}  // namespace fotogal::http
