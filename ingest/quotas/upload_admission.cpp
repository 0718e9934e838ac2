#include "ingest/quotas/upload_admission.hpp"

namespace fotogal::ingest::quotas {

std::optional<UploadAdmission> admit_upload(ConcurrentUploads& concurrent, InflightBytes& inflight,
                                            const std::string& principal, std::uint64_t bytes,
                                            http::Response& res) {
    auto slot = concurrent.try_start(principal);
    if (!slot) {
        res.set_header("Retry-After", "1");
        http::send_error(res, 429, "too_many_uploads",
                         "this principal has as many uploads in progress as it may; finish one "
                         "first");
        return std::nullopt;
    }
    auto reservation = inflight.try_reserve(bytes);
    if (!reservation) {
        res.set_header("Retry-After", "2");
        http::send_error(res, 503, "busy",
                         "the service is receiving as many upload bytes as it can hold; retry "
                         "shortly");
        return std::nullopt;
    }
    return UploadAdmission{std::move(*slot), std::move(*reservation)};
}

}  // namespace fotogal::ingest::quotas
