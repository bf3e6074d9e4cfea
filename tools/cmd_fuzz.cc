// `dxt fuzz [options] PROGRAM [-- ARGS]`: searches for the inputs that break an external program
// (fuzz/program/, issue 12), shrinks each distinct failure and writes it as a replayable
// `dxt check --script` case with its raw exchange (tools/failure_files.h).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "conformance/domain.h"
#include "fuzz/program/dictionary.h"
#include "fuzz/program/engine.h"
#include "judge/case.h"
#include "judge/checks.h"
#include "harness/lifetime.h"
#include "harness/process.h"
#include "tools/command_registry.h"
#include "tools/failure_files.h"
#include "tools/input_domain.h"

namespace dxt::tools {
namespace {

namespace fs = std::filesystem;

struct FuzzArgs {
  std::string program;
  std::vector<std::string> args;
  std::string mode = "both";
  double seconds = 60;
  uint64_t runs = 0;
  uint64_t max_findings = 0;
  uint64_t seed = 1;
  std::string out = "dxt-fuzz-out";
  std::string params;
  std::vector<std::string> files, env;
  double timeout_seconds = 10;  // as `dxt check`: a finding is a failure there too
  std::string expect;
  std::string against;
  std::string order = "multiset";
  std::string dict;
  bool no_auto_dict = false;
  std::string values;        // --values: a domain name (conformance/domain.h)
  std::string input_sample;  // --input-sample FILE
  std::string isolation = "auto";
  int jobs = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
};

int Usage(const std::string& message) {
  std::cerr << "dxt fuzz: " << message << "\n";
  return kExitUsage;
}

absl::StatusOr<std::string> ReadFile(const std::string& path, const char* what,
                                     size_t max = size_t{256} << 20) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::string s(max, '\0');
  in.read(s.data(), static_cast<std::streamsize>(max));
  s.resize(static_cast<size_t>(in.gcount()));
  return s;
}

absl::StatusOr<std::string> ExecutablePath(const std::string& p, const char* what) {
  std::error_code ec;
  fs::path path = fs::absolute(p, ec).lexically_normal();
  if (ec || !fs::exists(path)) return absl::NotFoundError(absl::StrCat(what, " not found: ", p));
  if (!fs::is_regular_file(path) || ::access(path.c_str(), X_OK) != 0)
    return absl::FailedPreconditionError(absl::StrCat(what, " is not an executable file: ", p));
  return path.string();
}

// Options into the engine's; a usage error as a status.
absl::StatusOr<progfuzz::FuzzOptions> Configure(const FuzzArgs& a) {
  progfuzz::FuzzOptions o;
  auto program = ExecutablePath(a.program, "program");
  if (!program.ok()) return program.status();
  if (!(a.seconds > 0) || !(a.seconds <= 7 * 86400.0))
    return absl::InvalidArgumentError("--seconds must be positive and at most a week (604800)");
  auto timeout = judge::TimeoutFromSeconds(a.timeout_seconds);
  if (!timeout.ok())
    return absl::InvalidArgumentError(absl::StrCat("--timeout: ", timeout.status().message()));
  if (a.jobs < 1) return absl::InvalidArgumentError("--jobs must be at least 1");
  if (auto s = CheckFailureDir(a.out, "--out"); !s.ok()) return s;
  for (const auto& kv : a.env)
    if (kv.find('=') == std::string::npos || kv.front() == '=')
      return absl::InvalidArgumentError(absl::StrCat("--env expects K=V, got '", kv, "'"));
  o.trial.program = {*program, a.args, a.files, a.env};
  auto isolation = harness::ParseIsolation(a.isolation);
  if (!isolation.ok())
    return absl::InvalidArgumentError(absl::StrCat("--isolation: ", isolation.status().message()));
  o.trial.isolation = *isolation;
  o.trial.timeout = *timeout;
  auto domain = LoadInputDomain(a.values, a.input_sample);
  if (!domain.ok()) return domain.status();
  o.generator.keys = domain->keys;
  o.generator.values = domain->values;
  if (!a.params.empty()) {
    auto text = ReadFile(a.params, "params file");
    if (!text.ok()) return text.status();
    auto dict = judge::ParseParamsFile(*text, a.params);
    if (!dict.ok()) return dict.status();
    o.trial.extra_params = *dict;
  }
  if (a.expect == "identity") o.trial.oracle = progfuzz::Oracle::kIdentity;
  if (!a.against.empty()) {
    if (o.trial.oracle == progfuzz::Oracle::kIdentity)
      return absl::InvalidArgumentError("--against and --expect identity exclude each other");
    auto other = ExecutablePath(a.against, "--against program");
    if (!other.ok()) return other.status();
    o.trial.oracle = progfuzz::Oracle::kDifferential;
    o.trial.against = {*other, a.args, a.files, a.env};
    o.trial.exact_order = a.order == "exact";
  }
  if (!a.dict.empty()) {
    auto text = ReadFile(a.dict, "dictionary");
    if (!text.ok()) return text.status();
    auto tokens = progfuzz::ParseDictionary(*text, a.dict);
    if (!tokens.ok()) return tokens.status();
    o.generator.tokens = std::move(*tokens);
  }
  if (!a.no_auto_dict) {
    auto binary = ReadFile(*program, "program", size_t{64} << 20);
    if (binary.ok())
      for (auto& t : progfuzz::ExtractTokens(*binary)) o.generator.tokens.push_back(std::move(t));
  }
  if (a.mode == "map") o.modes = {harness::Mode::kMap};
  if (a.mode == "reduce") o.modes = {harness::Mode::kReduce};
  o.seed = a.seed;
  o.time_budget = std::chrono::milliseconds(static_cast<int64_t>(a.seconds * 1000));
  o.max_conversations = a.runs;
  o.max_findings = a.max_findings;
  o.jobs = a.jobs;
  return o;
}

std::string Plural(uint64_t n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

// One shell word: as is when it is made of safe characters only, else single-quoted.
std::string ShellWord(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                                       "qrstuvwxyz0123456789_./=:@%+,-") ==
                                       std::string::npos;
  if (plain) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// How to start this dxt again: "dxt" when that is what $PATH finds, else its absolute path.
std::string DxtCommand() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "dxt";
  const char* path = std::getenv("PATH");
  for (auto dir : absl::StrSplit(path ? path : "", ':', absl::SkipEmpty())) {
    const fs::path candidate = fs::path(std::string(dir)) / "dxt";
    if (fs::equivalent(candidate, self, ec)) return "dxt";
  }
  return self.string();
}

// The `dxt check --script` command that replays a finding exactly as the engine replayed it: the
// fuzz deadline (its default differs from check's), the isolation level, the program's files,
// environment and arguments. --params is already in the case file.
std::string ReplayCommand(const std::string& path, const FuzzArgs& a) {
  std::string c = absl::StrCat(DxtCommand(), " check --script ", ShellWord(path), " --timeout ",
                               absl::StrFormat("%g", a.timeout_seconds));
  if (a.isolation != "auto") absl::StrAppend(&c, " --isolation ", a.isolation);
  for (const auto& f : a.files) absl::StrAppend(&c, " --file ", ShellWord(f));
  for (const auto& e : a.env) absl::StrAppend(&c, " --env ", ShellWord(e));
  absl::StrAppend(&c, " ", ShellWord(a.program));
  if (!a.args.empty()) absl::StrAppend(&c, " --");
  for (const auto& arg : a.args) absl::StrAppend(&c, " ", ShellWord(arg));
  return c;
}

void PrintFinding(const progfuzz::Finding& f, const std::string& path, const FuzzArgs& a) {
  std::cout << "FAILED " << f.kind.check << " (" << f.kind.rule << ") ["
            << harness::ModeName(f.kind.mode) << "]: first at conversation " << f.found_at
            << " (" << absl::StrFormat("%.1f", f.found_after_s) << " s; "
            << Plural(f.pairs_found, "pair", "pairs") << ", "
            << Plural(f.params_found, "parameter", "parameters") << "), shrunk to "
            << Plural(f.as_case.input.size(), "pair", "pairs") << " and "
            << Plural(f.as_case.params.size(), "parameter", "parameters") << " in "
            << f.shrink_runs << " trials; " << Plural(f.hits, "conversation", "conversations")
            << " failed this way\n"
            << "       " << f.detail.substr(0, 400) << (f.detail.size() > 400 ? "..." : "") << "\n";
  if (!f.also.empty())
    std::cout << "       the first failing conversation also FAILED " << absl::StrJoin(f.also, ", ")
              << "\n";
  std::cout << "       written: " << path << " (+ .stdin .stdout .stderr)\n"
            << "       replay:  " << ReplayCommand(path, a);
  if (!f.replayed) std::cout << "  -- did NOT reproduce: " << f.replay_note;
  std::cout << "\n";
}

// As `dxt check` says of the catalogue's values: findings whose stderr names the case's own input
// are likely the program refusing bytes it never accepts, and a declared domain is the cure.
void PrintRejectedInput(const std::vector<progfuzz::Finding>& findings) {
  const progfuzz::Finding* example = nullptr;
  size_t n = 0;
  for (const auto& f : findings) {
    if (f.rejected_input.empty()) continue;
    if (!example) example = &f;
    ++n;
  }
  if (!example) return;
  std::cout << "root problem: the program rejects the fuzzer's input values: " << n << " of "
            << findings.size()
            << " finding(s) fail with a stderr line that names an input key or value, e.g. "
            << example->kind.check << " (" << example->kind.rule << ") ["
            << harness::ModeName(example->kind.mode)
            << "]: " << judge::EscapeBytes(example->rejected_input, 160)
            << "\n  dxt fuzz sends arbitrary bytes. If the program accepts only some inputs, "
               "declare them and run again:\n    --values decimal|words|lines   (what its values "
               "are)\n    --input-sample FILE            (a sample of its real input: JSON lines "
               "as `dxt decode` writes them, or pair frames)\n";
}

// The TTY progress line, redrawn in place at most four times a second.
std::function<void(const progfuzz::Progress&)> ProgressLine(bool tty) {
  if (!tty) return nullptr;
  auto last = std::make_shared<harness::Clock::time_point>(harness::Clock::now() -
                                                          std::chrono::seconds(1));
  return [last](const progfuzz::Progress& p) {
    if (harness::Clock::now() - *last < std::chrono::milliseconds(250)) return;
    *last = harness::Clock::now();
    std::fprintf(stderr, "\r%6.1f s  conversations %llu  pairs %llu  findings %llu  corpus %llu ",
                 p.elapsed_s, static_cast<unsigned long long>(p.conversations),
                 static_cast<unsigned long long>(p.pairs),
                 static_cast<unsigned long long>(p.findings),
                 static_cast<unsigned long long>(p.corpus));
  };
}

int RunFuzz(const FuzzArgs& a) {
  auto o = Configure(a);
  if (!o.ok()) return Usage(std::string(o.status().message()));
  // Before any thread exists (they inherit the blocked stop signals) and before any program runs.
  harness::InstallStopSignals();
  harness::RemoveDeadProcessDirs();
  auto level = harness::ResolveIsolation(o->trial.isolation);
  if (!level.ok()) return Usage(std::string(level.status().message()));
  o->trial.isolation = *level;
  const bool tty = ::isatty(STDERR_FILENO);
  std::cout << "dxt fuzz " << o->trial.program.path << " (mode " << a.mode << ", seed " << a.seed
            << ", " << (a.runs ? absl::StrCat("at most ", a.runs, " conversations, ") : "")
            << (a.max_findings
                    ? absl::StrCat("at most ", Plural(a.max_findings, "finding", "findings"), ", ")
                    : "")
            << a.seconds << " s, " << o->generator.tokens.size() << " dictionary tokens, "
            << a.jobs << " jobs, timeout " << absl::StrFormat("%g", a.timeout_seconds) << " s";
  if (o->search_timeout < o->trial.timeout)
    std::cout << " (search " << absl::StrFormat("%g", o->search_timeout.count() / 1000.0) << " s)";
  std::cout << ", isolation " << harness::IsolationName(*level);
  conformance::InputDomain domain{o->generator.keys, o->generator.values};
  if (domain.declared()) std::cout << "; " << domain.Describe();
  std::cout << ")\n";
  std::cout.flush();
  auto report = progfuzz::Fuzz(*o, ProgressLine(tty));
  if (tty) std::fprintf(stderr, "\r%80s\r", "");
  if (!report.ok()) {
    if (harness::StopRequested()) harness::FinishStopped();
    std::cerr << "dxt fuzz: harness error: " << report.status().message() << "\n";
    return kExitUsage;
  }
  const double s = std::max(report->search_seconds, 1e-3);
  std::cout << Plural(report->conversations, "conversation", "conversations") << ", "
            << Plural(report->pairs, "pair", "pairs") << " ("
            << report->map_pairs << " map) in " << absl::StrFormat("%.1f", report->seconds)
            << " s; search " << absl::StrFormat("%.1f", report->search_seconds) << " s: "
            << absl::StrFormat("%.0f", report->conversations / s) << " execs/s, "
            << absl::StrFormat("%.0f", report->pairs / s) << " pairs/s; "
            << report->shrink_runs << " shrink trials; corpus " << report->corpus << "\n";
  for (const auto& slow : report->slow)
    std::cout << "not a finding: " << Plural(slow.conversations, "conversation", "conversations")
              << " FAILED " << slow.kind.check << " (" << slow.kind.rule << ") ["
              << harness::ModeName(slow.kind.mode) << "] at the "
              << absl::StrFormat("%g", o->search_timeout.count() / 1000.0)
              << " s search deadline, and conversation " << slow.found_at
              << " passed when run again at --timeout "
              << absl::StrFormat("%g", a.timeout_seconds)
              << ": the program is slow, not broken; the search went on at --timeout\n";
  if (o->trial.oracle == progfuzz::Oracle::kDifferential && report->against_failed > 0)
    std::cout << report->against_failed
              << " conversation(s) not compared: the --against program failed them itself\n";
  for (const auto& f : report->findings) {
    auto path = WriteFailure(a.out, f.kind.check, f.kind.rule, f.as_case, f.raw);
    if (!path.ok()) return Usage(std::string(path.status().message()));
    PrintFinding(f, *path, a);
  }
  PrintRejectedInput(report->findings);
  if (report->reached_max_findings)
    std::cout << "search stopped at " << Plural(a.max_findings, "finding", "findings")
              << " (--max-findings)\n";
  std::cout << (report->findings.empty() ? "no failure found\n"
                                         : absl::StrCat(report->findings.size(),
                                                        " distinct failure(s) written to ", a.out,
                                                        "\n"));
  if (report->interrupted) {
    const char* name = ::sigabbrev_np(harness::StopSignal());
    std::cout << "dxt fuzz: interrupted by SIG" << (name ? name : "?") << " after "
              << report->conversations
              << " conversation(s); the findings complete by then are written above\n";
    std::cout.flush();
    harness::FinishStopped();
  }
  return report->findings.empty() ? kExitOk : kExitFailed;
}

CommandRegistrar registrar({
    "fuzz",
    "Search for inputs that break an external program; shrink and write each failure "
    "(exit 1 = failures found)",
    25,
    [](CLI::App& sub) -> std::function<int()> {
      auto a = std::make_shared<FuzzArgs>();
      sub.add_option("program", a->program, "the program to fuzz (no PATH lookup)");
      sub.add_option("args", a->args, "extra arguments after the mode (after --)");
      sub.add_option("--mode", a->mode, "map, reduce or both (default both)")
          ->check(CLI::IsMember({"map", "reduce", "both"}));
      sub.add_option("--seconds", a->seconds, "time budget in seconds (default 60)");
      sub.add_option("--runs", a->runs, "at most this many conversations (default: no cap)");
      sub.add_option("--max-findings", a->max_findings,
                     "stop the search once this many distinct failures are found (default: no "
                     "cap; 1 = fail a CI job at the first)");
      sub.add_option("--seed", a->seed, "same seed + same program = same search (default 1)");
      sub.add_option("--out", a->out, "where minimised failures go (default ./dxt-fuzz-out)");
      sub.add_option("--params", a->params, "JSON object added to every parameter dictionary");
      sub.add_option("--file", a->files, "supporting file copied next to the program (repeatable)")
          ->allow_extra_args(false);
      sub.add_option("--env", a->env, "K=V added to the program's minimal environment (repeatable)")
          ->allow_extra_args(false);
      sub.add_option("--timeout", a->timeout_seconds,
                     "reply and exit deadline a finding must fail at, in seconds (default 10, as "
                     "dxt check; the search waits at most 2 s and runs what fails there again at "
                     "this deadline; the printed replay command passes it on)");
      sub.add_option("--expect", a->expect, "identity: the output must equal the input")
          ->check(CLI::IsMember({"identity"}));
      sub.add_option("--against", a->against,
                     "differential: run PROGRAM2 on the same inputs; outputs must agree");
      sub.add_option("--order", a->order,
                     "--against in reduce: multiset (default) or exact order")
          ->check(CLI::IsMember({"multiset", "exact"}));
      sub.add_option("--dict", a->dict, "tokens file (AFL/libFuzzer dictionary format)");
      sub.add_flag("--no-auto-dict", a->no_auto_dict,
                   "do not take tokens from the program's printable strings");
      sub.add_option("--jobs", a->jobs, "conversations run at once (default: one per core, at least 2)");
      sub.add_option("--values", a->values,
                     "what the program's input values are: bytes (default), decimal (counts), "
                     "words, lines; every value sent (and shrunk) is one")
          ->check(CLI::IsMember(conformance::DomainNames()));
      sub.add_option("--input-sample", a->input_sample,
                     "a sample of the program's real input (JSON lines as `dxt decode` writes, or "
                     "pair frames): keys and values are drawn from it");
      sub.add_option("--isolation", a->isolation,
                     "auto (default: namespaces where bubblewrap works, else process-group), "
                     "namespaces (fail if unavailable) or process-group")
          ->check(CLI::IsMember({"auto", "namespaces", "process-group"}));
      return [a] {
        if (a->program.empty()) return Usage("PROGRAM is required");
        return RunFuzz(*a);
      };
    },
});

}  // namespace
}  // namespace dxt::tools
