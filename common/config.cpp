#include "common/config.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace fotogal {

namespace {
constexpr std::string_view kPrefix = "FOTOGAL_";
}

std::string Config::flag_for(std::string_view env) {
    std::string_view rest = env.substr(env.starts_with(kPrefix) ? kPrefix.size() : 0);
    std::string flag = "--";
    for (char c : rest) flag += c == '_' ? '-' : static_cast<char>(std::tolower(c));
    return flag;
}

Config::Config(std::string program, std::vector<SettingSpec> specs, int argc,
               const char* const* argv)
    : program_(std::move(program)), specs_(std::move(specs)) {
    for (const auto& spec : specs_) {
        const char* env = std::getenv(spec.env.c_str());
        values_[spec.env] = env ? env : spec.default_value;
    }
    auto spec_for_flag = [&](std::string_view flag) -> const SettingSpec* {
        for (const auto& spec : specs_)
            if (flag_for(spec.env) == flag) return &spec;
        return nullptr;
    };
    for (int i = 1; i < argc; ++i) {
        std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            help_requested_ = true;
            continue;
        }
        if (!arg.starts_with("--")) {
            positional_.emplace_back(arg);
            continue;
        }
        std::string_view name = arg;
        std::string value;
        bool has_value = false;
        if (auto eq = arg.find('='); eq != std::string_view::npos) {
            name = arg.substr(0, eq);
            value = arg.substr(eq + 1);
            has_value = true;
        }
        const SettingSpec* spec = spec_for_flag(name);
        if (!spec) throw ConfigError("unknown option " + std::string(name) + " (see --help)");
        if (!has_value) {
            if (i + 1 >= argc) throw ConfigError("option " + std::string(name) + " needs a value");
            value = argv[++i];
        }
        values_[spec->env] = value;
    }
}

std::string Config::help_text() const {
    std::ostringstream out;
    out << "usage: " << program_ << " [options]\n\n"
        << "Each option can also be set with the environment variable shown; the flag wins.\n\n";
    for (const auto& spec : specs_) {
        out << "  " << flag_for(spec.env) << " / " << spec.env << "\n      " << spec.help
            << "\n      default: " << (spec.default_value.empty() ? "(empty)" : spec.default_value)
            << "\n";
    }
    return out.str();
}

const std::string& Config::str(std::string_view env) const {
    auto it = values_.find(env);
    if (it == values_.end()) throw std::logic_error("setting not declared: " + std::string(env));
    return it->second;
}

std::int64_t Config::integer(std::string_view env) const {
    const std::string& text = str(env);
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size())
        throw ConfigError(std::string(env) + " must be a whole number, got '" + text + "'");
    return value;
}

bool Config::boolean(std::string_view env) const {
    std::string text = str(env);
    std::transform(text.begin(), text.end(), text.begin(), ::tolower);
    if (text == "1" || text == "true" || text == "yes" || text == "on") return true;
    if (text == "0" || text == "false" || text == "no" || text == "off" || text.empty())
        return false;
    throw ConfigError(std::string(env) + " must be true or false, got '" + text + "'");
}

std::chrono::milliseconds Config::seconds(std::string_view env) const {
    const std::string& text = str(env);
    char* end = nullptr;
    double value = std::strtod(text.c_str(), &end);
    // A year is far beyond any sensible grace or timeout, and keeps the cast defined.
    constexpr double kMaxSeconds = 365.0 * 24 * 3600;
    if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || value < 0 ||
        value > kMaxSeconds)
        throw ConfigError(std::string(env) + " must be a number of seconds (0 to one year), got '" +
                          text + "'");
    return std::chrono::milliseconds(static_cast<std::int64_t>(value * 1000));
}

}  // namespace fotogal
