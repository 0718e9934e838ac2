// Ingest's own upload URLs (ingest/upload_url_signer): any query string is refused with a 403
// and a stable code unless it carries the signature of its exact grant; whatever is accepted
// signs back to a URL that is accepted again. (The query's percent-decoding is fuzzed by
// fuzz_http_request.)
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "common/http/http_message.hpp"
#include "ingest/upload_url_signer.hpp"

namespace in = fotogal::ingest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const in::UploadUrlSigner signer("fuzz secret");
    const std::string id = "01939e0a-7b4c-7d2e-8f10-1234567890ab";
    fotogal::http::Request request;
    request.query.assign(reinterpret_cast<const char*>(data), size);
    auto verdict = signer.verify(id, request.query_params(), 0);
    if (const auto* error = std::get_if<in::ApiError>(&verdict)) {
        if (error->status != 403 || error->code.empty() || error->message.empty()) std::abort();
        return 0;
    }
    const auto& grant = std::get<in::UploadGrant>(verdict);
    std::string path = signer.sign(grant);
    fotogal::http::Request again;
    again.query = path.substr(path.find('?') + 1);
    if (!std::holds_alternative<in::UploadGrant>(signer.verify(id, again.query_params(), 0)))
        std::abort();
    return 0;
}
