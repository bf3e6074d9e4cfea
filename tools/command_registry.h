// Self-registering `dxt` subcommands. Each cmd_*.cc file defines one static CommandRegistrar;
// the files are compiled straight into the dxt executable, so their registrars always run.
#ifndef DXT_TOOLS_COMMAND_REGISTRY_H_
#define DXT_TOOLS_COMMAND_REGISTRY_H_

#include <functional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"

namespace dxt::tools {

// Exit codes shared by every subcommand.
inline constexpr int kExitOk = 0;       // success / no FAILED case
inline constexpr int kExitFailed = 1;   // a check FAILED, a job failed, malformed data decoded
inline constexpr int kExitUsage = 2;    // usage error or harness/internal error

// `setup` adds options to `sub`; it returns the action run when `sub` was chosen, whose return
// value is the process exit code.
using CommandSetup = std::function<std::function<int()>(CLI::App& sub)>;

struct CommandSpec {
  std::string name;
  std::string description;
  int order;  // position in `dxt --help`
  CommandSetup setup;
};

std::vector<CommandSpec>& CommandTable();

struct CommandRegistrar {
  explicit CommandRegistrar(CommandSpec spec) { CommandTable().push_back(std::move(spec)); }
};

}  // namespace dxt::tools

#endif  // DXT_TOOLS_COMMAND_REGISTRY_H_
