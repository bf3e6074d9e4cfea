// RunMap/RunReduce: sandbox + spawn + conversation + sandbox diff, and the executor's summary.
#include "harness/driver.h"

#include <cstring>
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

std::string SignalName(int sig) {
  const char* d = ::strsignal(sig);
  return absl::StrCat(sig, d ? absl::StrCat(" (", d, ")") : "");
}

}  // namespace

const char* ModeName(Mode mode) { return mode == Mode::kMap ? "map" : "reduce"; }

absl::Status RunSummary::ToStatus(bool strict_stderr) const {
  // A program that died of its own signal, or exited non-zero, while input was still unread or
  // unanswered is reported as that death: the broken pipe and the missing lists are its
  // consequences, not a protocol fault of their own (R8.1).
  const bool crashed = term_signal > 0 && !killed_by_driver;
  if (crashed && (protocol.ok() || input_unanswered))
    return absl::AbortedError(
        absl::StrCat("program crashed: killed by signal ", SignalName(term_signal), " (R8.1)"));
  if (exited && exit_code != 0 && input_unanswered)
    return absl::AbortedError(absl::StrCat("program exited with status ", exit_code,
                                           " before the end of the conversation (R8.1)"));
  if (!protocol.ok()) return protocol;
  if (strict_stderr && !unprefixed_stderr.ok()) return unprefixed_stderr;
  if (!expired_wait.empty())
    return absl::DeadlineExceededError(
        absl::StrCat("program killed: waited too long for ", expired_wait, " (R8.2)"));
  if (err_lines > 0)
    return absl::AbortedError(absl::StrCat("program wrote ", err_lines, " **<ERR> line(s) (R7.2)"));
  if (term_signal > 0)
    return absl::AbortedError(absl::StrCat("program killed by signal ", SignalName(term_signal),
                                           killed_by_driver ? " sent by the driver" : "",
                                           " (R8.1)"));
  if (!exited) return absl::AbortedError("program did not exit (R8.1)");
  if (exit_code != 0)
    return absl::AbortedError(absl::StrCat("program exited with status ", exit_code, " (R8.1)"));
  return absl::OkStatus();
}

RunSummary Summarize(const Transcript& t) {
  RunSummary s;
  s.exited = t.exit.exited;
  s.exit_code = t.exit.exit_code;
  s.term_signal = t.exit.term_signal;
  s.killed_by_driver = t.killed_by_driver;
  if (!t.expired_waits.empty()) s.expired_wait = t.expired_waits.front();
  s.pairs_written = t.pairs_queued;
  s.lists_received = t.lists_completed;
  s.err_lines = t.err_lines;
  const bool map = t.mode == Mode::kMap;
  if (!t.extra_list_violation.empty()) {
    s.protocol = absl::FailedPreconditionError(t.extra_list_violation);
  } else if (!t.stdout_decode.ok()) {
    s.protocol = absl::Status(t.stdout_decode.code(),
                              absl::StrCat("program stdout: ", t.stdout_decode.message()));
  } else if (t.pairs_total > t.pairs_queued || t.stdin_broken || t.unread_input_at_exit > 0) {
    s.input_unanswered = true;
    s.protocol = absl::FailedPreconditionError(absl::StrCat(
        "program stopped reading its input: ", t.pairs_queued, " of ", t.pairs_total,
        " pairs written", t.stdin_broken ? ", stdin closed by the program" : "",
        t.unread_input_at_exit > 0 ? absl::StrCat(", ", t.unread_input_at_exit, " bytes unread")
                                   : "",
        map ? " (R5.4)" : " (R6.1)"));
  } else if (map && t.lists_completed != t.pairs_queued && t.expired_waits.empty()) {
    s.input_unanswered = t.lists_completed < t.pairs_queued;
    s.protocol = absl::FailedPreconditionError(absl::StrCat(
        "map wrote ", t.lists_completed, " result lists for ", t.pairs_queued, " pairs (R5.2)"));
  } else if (t.unterminated_lines > 0) {
    // Disco's worker blocks in readline() on a line without "\n": never tolerated.
    s.protocol = absl::FailedPreconditionError(absl::StrCat(
        "program wrote ", t.unterminated_lines, " stderr line(s) without a final newline (R7.3)"));
  } else if (t.descendant_held_pipes) {
    s.protocol = absl::FailedPreconditionError(
        "a descendant of the program held its pipes open after it exited (R6.3)");
  }
  if (t.other_lines > 0) {
    s.unprefixed_stderr = absl::FailedPreconditionError(absl::StrCat(
        "program wrote ", t.other_lines, " stderr line(s) without **<MSG>/**<ERR> prefix (R7.3)"));
  }
  return s;
}

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

absl::StatusOr<RunSummary> RunMap(const ProgramSpec& program, std::string_view param_block,
                                  const PairSource& input, const ListSink& on_list,
                                  const LogSink& on_log, const DriverOptions& options) {
  auto t = RunRecorded(Mode::kMap, program, param_block, input, on_list, on_log, options);
  if (!t.ok()) return t.status();
  return Summarize(*t);
}

absl::StatusOr<RunSummary> RunReduce(const ProgramSpec& program, std::string_view param_block,
                                     const PairSource& input, const ListSink& on_list,
                                     const LogSink& on_log, const DriverOptions& options) {
  auto t = RunRecorded(Mode::kReduce, program, param_block, input, on_list, on_log, options);
  if (!t.ok()) return t.status();
  return Summarize(*t);
}

}  // namespace dxt::harness
