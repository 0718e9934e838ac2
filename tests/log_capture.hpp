// Captures what the process writes to stderr (the structured log) while it lives, and hands
// it back as the log's JSON lines, for tests of what a log line carries. Works at the file
// descriptor, so lines written by server and pool threads are captured too.
#pragma once

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace fotogal::test {

class LogCapture {
  public:
    LogCapture() : path_(dir_.path() / "stderr.log") {
        std::fflush(stderr);
        saved_ = ::dup(STDERR_FILENO);
        REQUIRE(saved_ >= 0);
        file_ = std::fopen(path_.c_str(), "w");
        REQUIRE(file_ != nullptr);
        REQUIRE(::dup2(::fileno(file_), STDERR_FILENO) >= 0);
    }
    ~LogCapture() {
        std::fflush(stderr);
        ::dup2(saved_, STDERR_FILENO);
        ::close(saved_);
        std::fclose(file_);
    }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // Every JSON line written so far.
    std::vector<nlohmann::json> lines() const {
        std::fflush(stderr);
        std::vector<nlohmann::json> out;
        std::ifstream in(path_);
        for (std::string line; std::getline(in, line);) {
            auto j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_object()) out.push_back(std::move(j));
        }
        return out;
    }

    // The lines whose msg is `message`.
    std::vector<nlohmann::json> with_message(const std::string& message) const {
        std::vector<nlohmann::json> out;
        for (auto& line : lines())
            if (line.value("msg", "") == message) out.push_back(line);
        return out;
    }

  private:
    TempDir dir_;
    std::filesystem::path path_;
    int saved_ = -1;
    std::FILE* file_ = nullptr;
};

}  // namespace fotogal::test
