#include "common/program_main.hpp"

#include <iostream>
#include <string>

#include "common/log.hpp"

namespace fotogal {

int program_main(const char* program, std::vector<SettingSpec> specs, int argc,
                 const char* const* argv, const std::function<int(const Config&)>& run) {
    try {
        Config config(program, std::move(specs), argc, argv);
        if (config.help_requested()) {
            std::cout << config.help_text();
            return 0;
        }
        return run(config);
    } catch (const std::exception& e) {
        log::error(std::string(program) + " cannot run", {{"error", e.what()}});
        return 1;
    }
}

}  // namespace fotogal
