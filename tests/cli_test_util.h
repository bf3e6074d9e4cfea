// Helpers for the tests that run the real `dxt` executable through the shell: quoting, reading
// what it wrote, a fixture with a fresh temporary directory, and "run dxt, capture its stdout,
// stderr and exit code" (plain, `dxt check` with its JSON report, or on a pseudo-terminal).
#ifndef DXT_TESTS_CLI_TEST_UTIL_H_
#define DXT_TESTS_CLI_TEST_UTIL_H_

#include <pty.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace dxt::testing {

// The dxt executable of this build tree (DXT_BINARY_DIR is set for every test in tests/).
inline constexpr char kDxt[] = DXT_BINARY_DIR "/tools/dxt";

// One shell word: 'arg', with embedded single quotes as '\''.
inline std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// What one run of dxt did.
struct DxtRun {
  int exit_code = -1;      // -1 when it did not exit (killed by a signal)
  std::string out, err;    // with `merge_stderr`, both streams are in `out` and `err` is ""
  nlohmann::json report;   // RunCheck only: the --report-json file; null when none was written
};

struct DxtRunOptions {
  int limit_seconds = 120;    // `timeout -k 5 LIMIT`: exit code 124 when dxt ran longer
  bool merge_stderr = false;  // `2>&1`, for tests that read the output as a person sees it
};

// Runs `dxt ARGS` through /bin/sh (ARGS is shell text: quote what needs it) with stdout and stderr
// sent to out.txt and err.txt in `dir`, which must exist; they are overwritten.
inline DxtRun RunDxt(const std::filesystem::path& dir, const std::string& args,
                     const DxtRunOptions& options = {}) {
  const std::filesystem::path out = dir / "out.txt", err = dir / "err.txt";
  const std::string command = "timeout -k 5 " + std::to_string(options.limit_seconds) + " " +
                              ShellQuote(kDxt) + " " + args + " >" + ShellQuote(out) +
                              (options.merge_stderr ? " 2>&1" : " 2>" + ShellQuote(err));
  DxtRun r;
  const int status = std::system(command.c_str());
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = ReadFile(out);
  if (!options.merge_stderr) r.err = ReadFile(err);
  return r;
}

// `dxt check --no-color --report-json DIR/report.json ARGS`, with the report parsed (null when
// dxt wrote none, discarded when it is not JSON). A report left by an earlier run is removed first.
inline DxtRun RunCheck(const std::filesystem::path& dir, const std::string& args,
                       const DxtRunOptions& options = {}) {
  const std::filesystem::path report = dir / "report.json";
  std::filesystem::remove(report);
  DxtRun r = RunDxt(dir, "check --no-color --report-json " + ShellQuote(report) + " " + args,
                    options);
  if (std::filesystem::exists(report)) r.report = nlohmann::json::parse(ReadFile(report), nullptr, false);
  return r;
}

// Runs `command` through /bin/sh with stdin, stdout and stderr on a pseudo-terminal, `env`
// entries ("NAME=value") added to its environment: its exit code, and everything it wrote in `out`
// ("forkpty failed" with exit code -1 when no terminal could be made).
inline DxtRun RunOnPty(const std::string& command, const std::vector<std::string>& env = {}) {
  DxtRun r;
  int master = -1;
  const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
  if (pid < 0) {
    r.out = "forkpty failed";
    return r;
  }
  if (pid == 0) {
    for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  char buf[4096];
  for (;;) {
    const ssize_t n = read(master, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // EIO once the child side is closed
    r.out.append(buf, static_cast<size_t>(n));
  }
  close(master);
  int status = 0;
  waitpid(pid, &status, 0);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// A fixture with a fresh directory `dir_` under /tmp for each test, removed with all it holds
// afterwards. Base is the gtest fixture to extend (TestWithParam<T> for parameterised suites).
template <typename Base = ::testing::Test>
class CliTest : public Base {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dxt_cli_test.XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ignored);
  }

  DxtRun Dxt(const std::string& args, const DxtRunOptions& options = {}) {
    return RunDxt(dir_, args, options);
  }
  DxtRun Check(const std::string& args, const DxtRunOptions& options = {}) {
    return RunCheck(dir_, args, options);
  }

  std::filesystem::path dir_;
};

}  // namespace dxt::testing

#endif  // DXT_TESTS_CLI_TEST_UTIL_H_
