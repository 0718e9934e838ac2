// Runs a program (an oracle like vipsthumbnail, or one of ours) and reports its exit status,
// its output and its peak resident memory, measured by the kernel (wait4's ru_maxrss).
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace fotogal::test {

struct RunResult {
    int exit_code = -1;  // -1 when killed by a signal
    long peak_rss_kb = 0;
    std::string out;  // stdout
};

inline RunResult run_program(const std::vector<std::string>& argv) {
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        dup2(pipe_fds[1], 1);
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 2);
        close(pipe_fds[0]);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(pipe_fds[1]);
    RunResult r;
    char buf[4096];
    for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) r.out.append(buf, n);
    close(pipe_fds[0]);
    int status = 0;
    rusage usage{};
    wait4(pid, &status, 0, &usage);
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.peak_rss_kb = usage.ru_maxrss;
    return r;
}

}  // namespace fotogal::test
