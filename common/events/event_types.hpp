// CloudEvents 1.0 (structured mode) as the project's Kafka message values (DESIGN.md §2).
#pragma once

#include <string_view>

namespace fotogal::events {

inline constexpr std::string_view kUploaded = "fotogal.image.uploaded";
inline constexpr std::string_view kReprocess = "fotogal.image.reprocess";
inline constexpr std::string_view kProcessed = "fotogal.image.processed";
inline constexpr std::string_view kFailed = "fotogal.image.failed";
// What OCI Events emits when an object is written straight into the bucket (CloudEvents 0.1).
inline constexpr std::string_view kOciCreateObject = "com.oraclecloud.objectstorage.createobject";
// An S3 event notification record about a new object (AWS, MinIO, Ceph, versitygw; the
// `eventName` is ObjectCreated:Put, :Post, :Copy or :CompleteMultipartUpload). The type a
// worker gives the request it makes of such a record.
inline constexpr std::string_view kS3ObjectCreated = "s3:ObjectCreated";

// OCI Streaming allows 1 MB; ours carry metadata only and stay far below.
inline constexpr std::size_t kMaxEventBytes = 64 * 1024;

}  // namespace fotogal::events
