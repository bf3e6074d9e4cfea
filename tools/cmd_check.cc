// `dxt check [options] PROGRAM [-- ARGS]`: runs an external program through the built-in core
// cases (or a --script) and judges every protocol rule (harness/, issue 3).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "CLI/CLI.hpp"
#include "harness/case.h"
#include "harness/report.h"
#include "harness/runner.h"
#include "tools/command_registry.h"
#include "tools/jsonl.h"

namespace dxt::tools {
namespace {

namespace fs = std::filesystem;
using harness::Case;

struct CheckArgs {
  std::string program;
  std::vector<std::string> args;
  std::string mode = "both";
  std::string script;
  std::string params;
  std::vector<std::string> files;
  std::vector<std::string> env;
  double timeout_seconds = 10;
  std::string report_json;
  std::string junit;
  bool verbose = false;
  bool no_color = false;
};

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int UsageError(const std::string& message) {
  std::cerr << "dxt check: " << message << "\n";
  return kExitUsage;
}

absl::StatusOr<std::vector<Case>> LoadCases(const CheckArgs& a) {
  std::vector<Case> cases;
  if (a.script.empty()) {
    cases = harness::CoreCases();
  } else {
    auto text = ReadWholeFile(a.script, "script");
    if (!text.ok()) return text.status();
    auto parsed = harness::ParseScript(*text, a.script);
    if (!parsed.ok()) return parsed.status();
    cases = std::move(*parsed);
  }
  if (!a.params.empty()) {
    auto text = ReadWholeFile(a.params, "params file");
    if (!text.ok()) return text.status();
    auto dict = harness::ParseParamsFile(*text, a.params);
    if (!dict.ok()) return dict.status();
    harness::MergeParams(*dict, &cases);
  }
  std::vector<Case> selected;
  for (auto& c : cases) {
    bool want = a.mode == "both" || (a.mode == "map") == (c.mode == harness::Mode::kMap);
    if (want) selected.push_back(std::move(c));
  }
  return selected;
}

int RunCheck(const CheckArgs& a) {
  if (!(a.timeout_seconds > 0)) return UsageError("--timeout must be a positive number of seconds");
  for (const auto& kv : a.env)
    if (kv.find('=') == std::string::npos || kv.front() == '=')
      return UsageError(absl::StrCat("--env expects K=V, got '", kv, "'"));
  std::error_code ec;
  fs::path program = fs::absolute(a.program, ec).lexically_normal();
  if (ec || !fs::exists(program)) return UsageError(absl::StrCat("program not found: ", a.program));
  if (!fs::is_regular_file(program) || ::access(program.c_str(), X_OK) != 0)
    return UsageError(absl::StrCat("program is not an executable file: ", a.program));
  auto cases = LoadCases(a);
  if (!cases.ok()) return UsageError(std::string(cases.status().message()));
  if (cases->empty()) return UsageError(absl::StrCat("no case for --mode ", a.mode));

  const bool color = !a.no_color && ::isatty(STDOUT_FILENO);
  harness::RunOptions options;
  options.program = {program.string(), a.args, a.files, a.env};
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(a.timeout_seconds * 1000));
  options.extra_params_given = !a.params.empty();
  options.verbose = a.verbose;
  options.on_case = [&](const harness::CaseResult& r) {
    std::cout << harness::RenderCaseLine(r, color);
    if (a.verbose) std::cout << r.transcript;
    std::cout.flush();
  };
  std::cout << "dxt check " << program.string() << " (" << cases->size() << " case(s))\n";
  auto results = harness::RunCases(*cases, options);
  if (!results.ok()) {
    std::cerr << "dxt check: harness error: " << results.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << harness::RenderSummary(*results, color);
  harness::ReportInfo info{DXT_VERSION, program.string()};
  if (!a.report_json.empty()) {
    if (auto s = WriteFileAtomically(a.report_json, harness::RenderJson(info, *results)); !s.ok())
      return UsageError(std::string(s.message()));
  }
  if (!a.junit.empty()) {
    if (auto s = WriteFileAtomically(a.junit, harness::RenderJUnit(info, *results)); !s.ok())
      return UsageError(std::string(s.message()));
  }
  return harness::CountVerdicts(*results)["FAILED"] > 0 ? kExitFailed : kExitOk;
}

CommandRegistrar registrar({
    "check",
    "Judge an external program against every protocol rule (exit 0 = no FAILED case)",
    20,
    [](CLI::App& sub) -> std::function<int()> {
      auto a = std::make_shared<CheckArgs>();
      sub.add_option("program", a->program, "the program to check (no PATH lookup)")->required();
      sub.add_option("args", a->args, "extra arguments after the mode (after --)");
      sub.add_option("--mode", a->mode, "map, reduce or both")
          ->check(CLI::IsMember({"map", "reduce", "both"}));
      sub.add_option("--script", a->script, "JSON case file instead of the built-in core set");
      sub.add_option("--params", a->params, "JSON object merged into every case's parameters");
      sub.add_option("--file", a->files, "supporting file copied next to the program (repeatable)");
      sub.add_option("--env", a->env, "K=V added to the program's minimal environment (repeatable)");
      sub.add_option("--timeout", a->timeout_seconds, "reply deadline in seconds (default 10)");
      sub.add_option("--report-json", a->report_json, "write the JSON report here");
      sub.add_option("--junit", a->junit, "write a JUnit XML report here");
      sub.add_flag("--verbose", a->verbose, "print each conversation's transcript");
      sub.add_flag("--no-color", a->no_color, "no ANSI colours");
      return [a] { return RunCheck(*a); };
    },
});

}  // namespace
}  // namespace dxt::tools
