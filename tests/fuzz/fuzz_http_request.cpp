// What a client sends to the HTTP server: the request head (common/http/request_head), then the
// body as the upload route reads it — Content-Length or chunked framing (body_reader) and
// multipart/form-data (multipart_reader). Every input is parsed or refused with a 4xx/5xx
// status; nothing else may happen.
#include <sys/socket.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "common/http/body_reader.hpp"
#include "common/http/multipart_reader.hpp"
#include "common/http/request_head.hpp"

namespace http = fotogal::http;

namespace {

void read_body(http::Connection& connection, const http::RequestHead& head) {
    http::BodyReader body(connection, head.framing, false, {});
    char buffer[1024];
    try {
        if (auto boundary =
                http::MultipartReader::boundary_of(head.request.header("content-type"))) {
            http::MultipartReader form(body, *boundary);
            while (form.next_part())
                while (form.read(buffer) > 0) {
                }
        } else {
            while (body.read(buffer) > 0) {
            }
        }
    } catch (const http::BodyError& e) {
        if (e.status() < 400 || e.status() > 499) std::abort();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size > 32 * 1024) return 0;  // within one socket buffer, written before it is read
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto parse = http::parse_request_head(input, 8 * 1024);
    if (parse.state == http::HeadParse::State::invalid) {
        if (parse.error.status < 400 || parse.error.status > 505 || parse.error.message.empty())
            std::abort();
        return 0;
    }
    if (parse.state != http::HeadParse::State::complete) return 0;
    if (parse.head.head_bytes > size) std::abort();
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) return 0;
    std::string_view rest = input.substr(parse.head.head_bytes);
    if (!rest.empty() &&
        write(fds[1], rest.data(), rest.size()) != static_cast<ssize_t>(rest.size()))
        std::abort();
    ::close(fds[1]);  // the client is done: a short body ends in an error, not a wait
    http::Connection connection(fds[0], "fuzz");
    read_body(connection, parse.head);
    return 0;
}
