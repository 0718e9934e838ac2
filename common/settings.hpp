// The catalogue of FOTOGAL_* settings shared by the binaries. Each binary picks the groups it
// needs; the names are a contract with operators and the Helm chart (DESIGN.md §7).
#pragma once

#include <vector>

#include "common/config.hpp"
#include "common/storage/object_store.hpp"

namespace fotogal::settings {

// FOTOGAL_KAFKA_BROKERS, security protocol, SASL, idempotence, pass-through properties.
std::vector<SettingSpec> kafka();
// FOTOGAL_TOPIC_UPLOADS/REPROCESS/RESULTS/DLQ.
std::vector<SettingSpec> topics();
// FOTOGAL_STORAGE and the oci:// credential settings FOTOGAL_OCI_*.
std::vector<SettingSpec> storage();
// What open_object_store reads: FOTOGAL_* from `config` (flag or environment), AWS_* from
// the environment. `config` must outlive the lookup.
storage::SettingLookup storage_lookup(const Config& config);
// FOTOGAL_LISTEN with the binary's own default address.
std::vector<SettingSpec> listen(const char* default_address);
// FOTOGAL_SHUTDOWN_GRACE.
std::vector<SettingSpec> shutdown();

std::vector<SettingSpec> join(std::initializer_list<std::vector<SettingSpec>> groups);

}  // namespace fotogal::settings
