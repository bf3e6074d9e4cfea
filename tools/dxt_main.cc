// The `dxt` executable: dispatches to the self-registered subcommands (see command_registry.h).
#include <csignal>
#include <algorithm>
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

}  // namespace
}  // namespace dxt::tools

int main(int argc, char** argv) { return dxt::tools::Main(argc, argv); }
