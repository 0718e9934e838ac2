// An upload's hold on the edge's shared limits while its body is read: one of its principal's
// concurrent-upload slots and the bytes it may send. Both are given back when it goes away.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/http/http_message.hpp"
#include "ingest/quotas/concurrent_uploads.hpp"
#include "ingest/quotas/inflight_bytes.hpp"

namespace fotogal::ingest::quotas {

struct UploadAdmission {
    ConcurrentUploads::Slot slot;
    InflightBytes::Reservation reservation;
};

// Both holds; or nothing, after answering 429 (the principal has as many uploads in progress
// as it may) or 503 (the edge holds as many upload bytes as it can), each with Retry-After.
std::optional<UploadAdmission> admit_upload(ConcurrentUploads& concurrent, InflightBytes& inflight,
                                            const std::string& principal, std::uint64_t bytes,
                                            http::Response& res);

}  // namespace fotogal::ingest::quotas
