// common/config.hpp: FOTOGAL_* environment variables, matching --flags, precedence, --help and
// the typed accessors. Every environment variable used here is FOTOGAL_TEST_CFG_* so nothing
// collides with a real setting or another test.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/config.hpp"

namespace {

using fotogal::Config;
using fotogal::ConfigError;
using fotogal::SettingSpec;

// Sets an environment variable for the lifetime of the object, and removes it afterwards.
class ScopedEnv {
  public:
    ScopedEnv(std::string name, const std::string& value) : name_(std::move(name)) {
        ::setenv(name_.c_str(), value.c_str(), 1);
    }
    ~ScopedEnv() { ::unsetenv(name_.c_str()); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

  private:
    std::string name_;
};

std::vector<SettingSpec> specs() {
    return {
        {"FOTOGAL_TEST_CFG_BROKERS", "localhost:9092", "Kafka bootstrap servers"},
        {"FOTOGAL_TEST_CFG_COUNT", "7", "how many"},
        {"FOTOGAL_TEST_CFG_ENABLED", "false", "on or off"},
        {"FOTOGAL_TEST_CFG_GRACE", "30", "shutdown grace in seconds"},
        {"FOTOGAL_TEST_CFG_EMPTY", "", "no default"},
    };
}

Config make(const std::vector<std::string>& args) {
    std::vector<const char*> argv{"fotogal-test"};
    for (const auto& a : args) argv.push_back(a.c_str());
    return Config("fotogal-test", specs(), static_cast<int>(argv.size()), argv.data());
}

std::string error_of(const std::vector<std::string>& args) {
    try {
        make(args);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(no ConfigError)";
}

}  // namespace

TEST_CASE("config: defaults apply when neither environment nor flag is set") {
    ::unsetenv("FOTOGAL_TEST_CFG_BROKERS");
    Config c = make({});
    CHECK(c.str("FOTOGAL_TEST_CFG_BROKERS") == "localhost:9092");
    CHECK(c.integer("FOTOGAL_TEST_CFG_COUNT") == 7);
    CHECK_FALSE(c.boolean("FOTOGAL_TEST_CFG_ENABLED"));
    CHECK(c.seconds("FOTOGAL_TEST_CFG_GRACE") == std::chrono::seconds(30));
    CHECK(c.str("FOTOGAL_TEST_CFG_EMPTY").empty());
    CHECK_FALSE(c.help_requested());
    CHECK(c.positional().empty());
}

TEST_CASE("config: environment overrides the default and a flag overrides the environment") {
    ScopedEnv env("FOTOGAL_TEST_CFG_BROKERS", "env-host:1");
    CHECK(make({}).str("FOTOGAL_TEST_CFG_BROKERS") == "env-host:1");
    CHECK(make({"--test-cfg-brokers", "flag-host:2"}).str("FOTOGAL_TEST_CFG_BROKERS") ==
          "flag-host:2");
    CHECK(make({"--test-cfg-brokers=flag-host:3"}).str("FOTOGAL_TEST_CFG_BROKERS") ==
          "flag-host:3");
    // Other settings keep their environment value or default.
    CHECK(make({"--test-cfg-brokers=x"}).integer("FOTOGAL_TEST_CFG_COUNT") == 7);
}

TEST_CASE("config: --flag value and --flag=value forms are equivalent") {
    Config spaced = make({"--test-cfg-count", "42", "--test-cfg-enabled", "yes"});
    Config joined = make({"--test-cfg-count=42", "--test-cfg-enabled=yes"});
    CHECK(spaced.integer("FOTOGAL_TEST_CFG_COUNT") == 42);
    CHECK(joined.integer("FOTOGAL_TEST_CFG_COUNT") == 42);
    CHECK(spaced.boolean("FOTOGAL_TEST_CFG_ENABLED"));
    CHECK(joined.boolean("FOTOGAL_TEST_CFG_ENABLED"));
    // A value containing '=' is kept whole after the first '='.
    CHECK(make({"--test-cfg-brokers=a=b"}).str("FOTOGAL_TEST_CFG_BROKERS") == "a=b");
    // The spaced form takes the next argument even if it looks like a value with dashes.
    CHECK(make({"--test-cfg-brokers", "-x"}).str("FOTOGAL_TEST_CFG_BROKERS") == "-x");
    // The last occurrence wins.
    CHECK(make({"--test-cfg-count=1", "--test-cfg-count=2"}).integer("FOTOGAL_TEST_CFG_COUNT") ==
          2);
}

TEST_CASE("config: unknown flags and flags without a value throw ConfigError") {
    CHECK_THROWS_AS(make({"--no-such-flag"}), ConfigError);
    CHECK_THROWS_AS(make({"--no-such-flag=1"}), ConfigError);
    CHECK(error_of({"--no-such-flag"}).find("--no-such-flag") != std::string::npos);
    CHECK_THROWS_AS(make({"--test-cfg-count"}), ConfigError);
    CHECK(error_of({"--test-cfg-count"}).find("--test-cfg-count") != std::string::npos);
    // A flag matching the env name verbatim is not the flag.
    CHECK_THROWS_AS(make({"--FOTOGAL_TEST_CFG_COUNT=1"}), ConfigError);
}

TEST_CASE("config: --help sets help_requested and help_text lists every setting") {
    Config c = make({"--help"});
    CHECK(c.help_requested());
    CHECK(make({"-h"}).help_requested());
    const std::string help = c.help_text();
    CHECK(help.find("fotogal-test") != std::string::npos);
    for (const auto& spec : specs()) {
        CAPTURE(spec.env);
        CHECK(help.find(spec.env) != std::string::npos);
        CHECK(help.find(Config::flag_for(spec.env)) != std::string::npos);
        CHECK(help.find(spec.help) != std::string::npos);
        if (!spec.default_value.empty())
            CHECK(help.find("default: " + spec.default_value) != std::string::npos);
    }
    // --help does not stop the other flags from being read.
    CHECK(make({"--help", "--test-cfg-count=3"}).integer("FOTOGAL_TEST_CFG_COUNT") == 3);
}

TEST_CASE("config: integer parsing") {
    CHECK(make({"--test-cfg-count=-12"}).integer("FOTOGAL_TEST_CFG_COUNT") == -12);
    CHECK(make({"--test-cfg-count=9000000000"}).integer("FOTOGAL_TEST_CFG_COUNT") ==
          9'000'000'000LL);
    for (const char* bad : {"", "abc", "12abc", "1.5", " 3", "99999999999999999999"}) {
        CAPTURE(bad);
        Config c = make({std::string("--test-cfg-count=") + bad});
        CHECK_THROWS_AS(c.integer("FOTOGAL_TEST_CFG_COUNT"), ConfigError);
        try {
            c.integer("FOTOGAL_TEST_CFG_COUNT");
        } catch (const ConfigError& e) {
            CHECK(std::string(e.what()).find("FOTOGAL_TEST_CFG_COUNT") != std::string::npos);
        }
    }
}

TEST_CASE("config: boolean parsing") {
    for (const char* yes : {"1", "true", "TRUE", "Yes", "on"}) {
        CAPTURE(yes);
        CHECK(make({std::string("--test-cfg-enabled=") + yes}).boolean("FOTOGAL_TEST_CFG_ENABLED"));
    }
    for (const char* no : {"0", "false", "False", "no", "OFF", ""}) {
        CAPTURE(no);
        CHECK_FALSE(
            make({std::string("--test-cfg-enabled=") + no}).boolean("FOTOGAL_TEST_CFG_ENABLED"));
    }
    for (const char* bad : {"2", "maybe", "tru", "y"}) {
        CAPTURE(bad);
        Config c = make({std::string("--test-cfg-enabled=") + bad});
        CHECK_THROWS_AS(c.boolean("FOTOGAL_TEST_CFG_ENABLED"), ConfigError);
        try {
            c.boolean("FOTOGAL_TEST_CFG_ENABLED");
        } catch (const ConfigError& e) {
            CHECK(std::string(e.what()).find("FOTOGAL_TEST_CFG_ENABLED") != std::string::npos);
        }
    }
}

TEST_CASE("config: seconds parsing accepts fractions and rejects junk") {
    using std::chrono::milliseconds;
    CHECK(make({"--test-cfg-grace=2.5"}).seconds("FOTOGAL_TEST_CFG_GRACE") == milliseconds(2500));
    CHECK(make({"--test-cfg-grace=0"}).seconds("FOTOGAL_TEST_CFG_GRACE") == milliseconds(0));
    CHECK(make({"--test-cfg-grace=0.001"}).seconds("FOTOGAL_TEST_CFG_GRACE") == milliseconds(1));
    CHECK(make({"--test-cfg-grace=45"}).seconds("FOTOGAL_TEST_CFG_GRACE") == milliseconds(45000));
    for (const char* bad : {"", "-1", "abc", "5s", "1.2.3", "inf", "nan", "1e300"}) {
        CAPTURE(bad);
        Config c = make({std::string("--test-cfg-grace=") + bad});
        CHECK_THROWS_AS(c.seconds("FOTOGAL_TEST_CFG_GRACE"), ConfigError);
        try {
            c.seconds("FOTOGAL_TEST_CFG_GRACE");
        } catch (const ConfigError& e) {
            CHECK(std::string(e.what()).find("FOTOGAL_TEST_CFG_GRACE") != std::string::npos);
        }
    }
}

TEST_CASE("config: environment values are parsed like flag values") {
    ScopedEnv count("FOTOGAL_TEST_CFG_COUNT", "nope");
    ScopedEnv grace("FOTOGAL_TEST_CFG_GRACE", "1.5");
    Config c = make({});
    CHECK_THROWS_AS(c.integer("FOTOGAL_TEST_CFG_COUNT"), ConfigError);
    CHECK(c.seconds("FOTOGAL_TEST_CFG_GRACE") == std::chrono::milliseconds(1500));
    // The flag wins over a bad environment value.
    CHECK(make({"--test-cfg-count", "5"}).integer("FOTOGAL_TEST_CFG_COUNT") == 5);
}

TEST_CASE("config: flag_for maps FOTOGAL_ names to kebab-case flags") {
    CHECK(Config::flag_for("FOTOGAL_KAFKA_BROKERS") == "--kafka-brokers");
    CHECK(Config::flag_for("FOTOGAL_STORAGE") == "--storage");
    CHECK(Config::flag_for("FOTOGAL_TOPIC_UPLOADS") == "--topic-uploads");
    CHECK(Config::flag_for("FOTOGAL_SHUTDOWN_GRACE") == "--shutdown-grace");
    CHECK(Config::flag_for("FOTOGAL_TEST_CFG_COUNT") == "--test-cfg-count");
}

TEST_CASE("config: positional arguments are kept in order, flags are not") {
    Config c = make({"in.jpg", "--test-cfg-count", "3", "out-dir", "--test-cfg-enabled=1", "x"});
    REQUIRE(c.positional().size() == 3);
    CHECK(c.positional()[0] == "in.jpg");
    CHECK(c.positional()[1] == "out-dir");
    CHECK(c.positional()[2] == "x");
    CHECK(c.integer("FOTOGAL_TEST_CFG_COUNT") == 3);
    CHECK(c.boolean("FOTOGAL_TEST_CFG_ENABLED"));
}

TEST_CASE("config: asking for an undeclared setting is a programming error, not a ConfigError") {
    Config c = make({});
    CHECK_THROWS_AS(c.str("FOTOGAL_TEST_CFG_UNDECLARED"), std::logic_error);
    bool is_config_error = false;
    try {
        c.str("FOTOGAL_TEST_CFG_UNDECLARED");
    } catch (const ConfigError&) {
        is_config_error = true;
    } catch (const std::logic_error&) {
    }
    CHECK_FALSE(is_config_error);
}
