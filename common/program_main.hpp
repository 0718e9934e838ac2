// The shape every binary's main() shares: settings from the environment and flags, --help,
// and a JSON error line with a non-zero exit instead of an uncaught exception.
#pragma once

#include <functional>
#include <vector>

#include "common/config.hpp"

namespace fotogal {

int program_main(const char* program, std::vector<SettingSpec> specs, int argc,
                 const char* const* argv, const std::function<int(const Config&)>& run);

}  // namespace fotogal
