// RunRecorded: sandbox + spawn + conversation + sandbox diff.
#include "harness/driver.h"

#include <map>
#include <memory>
#include <optional>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "harness/conversation.h"
#include "harness/process.h"
#include "harness/sandbox.h"

namespace dxt::harness {
namespace {

std::vector<std::string> BuildEnv(const std::vector<std::string>& extra, const Sandbox& box,
                                  Isolation level) {
  std::map<std::string, std::string> env = {
      {"PATH", "/usr/local/bin:/usr/bin:/bin"},
      {"LANG", "C"},
      {"HOME", box.home_dir},
      {"TMPDIR", level == Isolation::kNamespaces ? "/tmp" : box.tmp_dir}};
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
  // kAuto before anything is known: the program's own start is the probe (a probe sandbox would
  // cost a whole sandbox start, a third of a one-entry `dxt run`). Where the sandbox does not come
  // up, the program is started again under process-group isolation, and so is every later one.
  Isolation level = options.isolation;
  bool trial = false;
  if (level == Isolation::kAuto) {
    std::optional<absl::Status> known = NamespacesVerdict();
    trial = !known;
    level = !known || known->ok() ? Isolation::kNamespaces : Isolation::kProcessGroup;
  } else {
    auto resolved = ResolveIsolation(level);
    if (!resolved.ok()) return resolved.status();
    level = *resolved;
  }
  auto box = CreateSandbox(program.path, program.files);
  if (!box.ok()) return box.status();
  DirSnapshot before = SnapshotDir(box->dir), tmp_before = SnapshotDir(box->tmp_dir),
              home_before = SnapshotDir(box->home_dir);
  auto spawn = [&](Isolation at) {
    LaunchSpec launch;
    launch.executable = box->program_path;
    launch.argv = {box->program_path, ModeName(mode)};
    launch.argv.insert(launch.argv.end(), program.args.begin(), program.args.end());
    launch.work_dir = box->dir;
    launch.env = BuildEnv(program.env, *box, at);
    launch.isolation = at;
    launch.tmp_dir = box->tmp_dir;
    launch.home_dir = box->home_dir;
    launch.colocate = options.colocate && mode == Mode::kMap && !options.pipeline;
    return options.spawn ? options.spawn(launch) : SpawnProcess(launch);
  };
  auto io = spawn(level);
  if (trial && !io.ok() && IsSandboxNotStarted(io.status())) {
    RecordNamespacesVerdict(io.status());
    level = Isolation::kProcessGroup;
    io = spawn(level);
  } else if (trial && io.ok()) {
    RecordNamespacesVerdict(absl::OkStatus());
  }
  if (!io.ok()) {
    RemoveSandbox(box->case_dir);
    return absl::Status(io.status().code(),
                        absl::StrCat(io.status().message(), " (program ", program.path, ")"));
  }
  const std::string tmp_label = level == Isolation::kNamespaces ? "/tmp/" : "$TMPDIR/";
  Transcript t;
  absl::Status s = Converse(**io, mode, param_block, input, on_list, on_log, options, &t);
  io->reset();  // kills everything left, reaps
  t.sandbox = DiffSnapshots(before, SnapshotDir(box->dir));
  for (auto [from, dir, label] : {std::tuple{&tmp_before, &box->tmp_dir, tmp_label},
                                  std::tuple{&home_before, &box->home_dir, std::string("$HOME/")}}) {
    SandboxDiff d = DiffSnapshots(*from, SnapshotDir(*dir), label);
    for (auto [to, add] : {std::pair{&t.sandbox.created, &d.created},
                           std::pair{&t.sandbox.changed, &d.changed},
                           std::pair{&t.sandbox.removed, &d.removed}})
      to->insert(to->end(), add->begin(), add->end());
  }
  RemoveSandbox(box->case_dir);
  if (!s.ok()) return s;
  return t;
}

}  // namespace dxt::harness
