// Settings: every one is an environment variable FOTOGAL_* with a matching command-line flag
// (FOTOGAL_KAFKA_BROKERS <-> --kafka-brokers). A flag wins over the environment, the
// environment over the built-in default; `--help` lists them all with their defaults.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "common/errors.hpp"

namespace fotogal {

struct SettingSpec {
    std::string env;  // FOTOGAL_...
    std::string default_value;
    std::string help;
};

// A setting was given a value that cannot be used; the message names the setting.
// Fatal: the process cannot run with it.
class ConfigError : public Error {
  public:
    explicit ConfigError(const std::string& message) : Error(ErrorKind::fatal, "config", message) {}
};

class Config {
  public:
    // Throws ConfigError on unknown flags or a flag without its value.
    Config(std::string program, std::vector<SettingSpec> specs, int argc, const char* const* argv);

    bool help_requested() const { return help_requested_; }
    std::string help_text() const;

    const std::string& str(std::string_view env) const;
    std::int64_t integer(std::string_view env) const;
    bool boolean(std::string_view env) const;
    std::chrono::milliseconds seconds(std::string_view env) const;  // accepts "2.5"
    // Positional arguments (anything that is not a --flag).
    const std::vector<std::string>& positional() const { return positional_; }

    static std::string flag_for(std::string_view env);  // FOTOGAL_KAFKA_BROKERS -> --kafka-brokers

  private:
    std::string program_;
    std::vector<SettingSpec> specs_;
    std::map<std::string, std::string, std::less<>> values_;
    std::vector<std::string> positional_;
    bool help_requested_ = false;
};

}  // namespace fotogal
