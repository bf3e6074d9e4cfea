// The `dxt` executable: dispatches to the self-registered subcommands (see command_registry.h).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "CLI/CLI.hpp"
#include "tools/command_registry.h"

namespace dxt::tools {

std::vector<CommandSpec>& CommandTable() {
  static std::vector<CommandSpec> table;
  return table;
}

namespace {

int Main(int argc, char** argv) {
  // A program that closes its stdin early must surface as an EPIPE we can report, not kill dxt.
  std::signal(SIGPIPE, SIG_IGN);

  CLI::App app{"dxt - test, fuzz and run Disco classic external programs"};
  app.set_version_flag("--version", DXT_VERSION);
  app.require_subcommand(1);

  auto& table = CommandTable();
  std::sort(table.begin(), table.end(),
            [](const CommandSpec& a, const CommandSpec& b) { return a.order < b.order; });
  std::vector<std::pair<CLI::App*, std::function<int()>>> actions;
  for (auto& spec : table) {
    CLI::App* sub = app.add_subcommand(spec.name, spec.description);
    actions.emplace_back(sub, spec.setup(*sub));
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  for (auto& [sub, action] : actions) {
    if (sub->parsed()) return action();
  }
  return kExitUsage;
}

// The one check of stdout for every command: whatever a command printed (std::cout, stdio or
// write(2)), a write that failed (a full disk, a closed pipe) makes the exit non-zero, 2, with
// the reason on stderr. Buffered text is flushed here, so late errors are caught too.
int FinishStdout(int code) {
  errno = 0;
  std::cout.flush();
  bool ok = static_cast<bool>(std::cout);
  int error = ok ? 0 : errno;
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    ok = false;
    if (error == 0) error = errno;
  }
  if (ok && ::close(STDOUT_FILENO) != 0 && errno != EBADF) {
    ok = false;
    error = errno;
  }
  if (ok) return code;
  std::cerr << "dxt: cannot write to stdout" << (error != 0 ? ": " : "")
            << (error != 0 ? std::strerror(error) : "") << "\n";
  return kExitUsage;
}

}  // namespace
}  // namespace dxt::tools

int main(int argc, char** argv) {
  return dxt::tools::FinishStdout(dxt::tools::Main(argc, argv));
}
