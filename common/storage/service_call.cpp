#include "common/storage/service_call.hpp"

#include <algorithm>
#include <fstream>

namespace fotogal::storage {

bool retryable_failure(long status, const std::string& code) {
    if (status == 429) return true;
    if (status >= 500 && status != 501) return true;
    return status == 409 && (code == "IncorrectState" || code == "ExternalServerIncorrectState");
}

HttpResponse ServiceCaller::call(const std::string& operation, const std::string& key,
                                 const Attempt& attempt,
                                 std::initializer_list<long> accepted) const {
    std::string what = operation + (key.empty() ? "" : " '" + key + "'");
    return with_storage_retries(
        what,
        [&]() -> HttpResponse {
            HttpResponse response;
            try {
                response = attempt();
            } catch (const HttpTransportError& e) {
                throw StorageError(store_ + ": " + what + " failed: network error: " + e.what(),
                                   true);
            }
            if ((response.status >= 200 && response.status < 300) ||
                std::find(accepted.begin(), accepted.end(), response.status) != accepted.end())
                return response;
            fail(operation, key, response);
        },
        policy_);
}

bool ServiceCaller::object_missing(const HttpResponse& response,
                                   const std::string& missing_code) const {
    if (response.status != 404) return false;
    std::string code = parse_(response).code;
    return code.empty() || code == missing_code;
}

void ServiceCaller::fail(const std::string& operation, const std::string& key,
                         const HttpResponse& response) const {
    std::string what = operation + (key.empty() ? "" : " '" + key + "'");
    ServiceFailure f = parse_(response);
    std::string message = store_ + ": " + what + " failed: HTTP " + std::to_string(response.status);
    if (!f.code.empty()) message += " " + f.code;
    if (!f.message.empty()) message += ": " + f.message;
    message += " (request id " + (f.request_id.empty() ? "none" : f.request_id) + ")";
    throw StorageError(message, retryable_failure(response.status, f.code));
}

HttpResponse ServiceCaller::download(const std::string& key,
                                     const std::filesystem::path& destination,
                                     const SinkAttempt& attempt) const {
    auto response =
        call("get", key,
             [&] {
                 std::ofstream out(destination, std::ios::binary | std::ios::trunc);
                 if (!out)
                     throw StorageError("get '" + key + "': cannot write " + destination.string(),
                                        false);
                 BodySink sink = [&](std::span<const std::uint8_t> chunk) {
                     out.write(reinterpret_cast<const char*>(chunk.data()),
                               static_cast<std::streamsize>(chunk.size()));
                     if (!out) throw std::runtime_error("cannot write " + destination.string());
                 };
                 return attempt(sink);
             },
             {404});
    if (response.status == 404) std::filesystem::remove(destination);
    return response;
}

}  // namespace fotogal::storage
