// RunRecorded: sandbox + spawn + conversation + sandbox diff.
#include "harness/driver.h"

#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "harness/conversation.h"
#include "harness/sandbox.h"

namespace dxt::harness {
namespace {

std::vector<std::string> BuildEnv(const std::vector<std::string>& extra) {
  std::map<std::string, std::string> env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"},
                                            {"LANG", "C"}};
  for (const auto& kv : extra) {
    auto eq = kv.find('=');
    if (eq == std::string::npos) continue;
    env[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  std::vector<std::string> out;
  for (const auto& [k, v] : env) out.push_back(absl::StrCat(k, "=", v));
  return out;
}

}  // namespace

const char* ModeName(Mode mode) { return mode == Mode::kMap ? "map" : "reduce"; }

absl::StatusOr<Transcript> RunRecorded(Mode mode, const ProgramSpec& program,
                                       std::string_view param_block, const PairSource& input,
                                       const ListSink& on_list, const LogSink& on_log,
                                       const DriverOptions& options) {
  auto box = CreateSandbox(program.path, program.files);
  if (!box.ok()) return box.status();
  DirSnapshot before = SnapshotDir(box->dir);
  LaunchSpec launch;
  launch.executable = box->program_path;
  launch.argv = {box->program_path, ModeName(mode)};
  launch.argv.insert(launch.argv.end(), program.args.begin(), program.args.end());
  launch.work_dir = box->dir;
  launch.env = BuildEnv(program.env);
  launch.colocate = options.colocate && mode == Mode::kMap && !options.pipeline;
  auto io = options.spawn ? options.spawn(launch) : SpawnProcess(launch);
  if (!io.ok()) {
    RemoveSandbox(box->dir);
    return absl::Status(io.status().code(),
                        absl::StrCat(io.status().message(), " (program ", program.path, ")"));
  }
  Transcript t;
  absl::Status s = Converse(**io, mode, param_block, input, on_list, on_log, options, &t);
  io->reset();  // kills the group, reaps
  t.sandbox = DiffSnapshots(before, SnapshotDir(box->dir));
  RemoveSandbox(box->dir);
  if (!s.ok()) return s;
  return t;
}

}  // namespace dxt::harness
