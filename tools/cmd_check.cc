// `dxt check [options] PROGRAM [-- ARGS]`: runs an external program through the conformance
// catalogue (conformance/, issue 4; all of it or its core selection, or a --script) and judges
// every protocol rule (judge/, issue 3).
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <tuple>

#include "CLI/CLI.hpp"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "conformance/baseline.h"
#include "conformance/catalogue.h"
#include "conformance/diagnose.h"
#include "conformance/domain.h"
#include "conformance/report.h"
#include "conformance/rules.h"
#include "conformance/runner.h"
#include "conformance/select.h"
#include "conformance/suite.h"
#include "harness/lifetime.h"
#include "harness/locale.h"
#include "harness/process.h"
#include "harness/sandbox.h"
#include "judge/case.h"
#include "judge/runner.h"
#include "tools/atomic_file.h"
#include "fuzz/program/trial.h"
#include "tools/command_registry.h"
#include "tools/failure_files.h"
#include "tools/input_domain.h"
#include "tools/progress_line.h"

namespace dxt::tools {
namespace {

namespace fs = std::filesystem;
using judge::Case;

absl::StatusOr<std::string> ReadWholeFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", what, " ", path));
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct CheckArgs {
  std::string program;
  std::vector<std::string> args;
  std::string mode = "both";
  std::string script;
  std::string params;
  std::vector<std::string> files;
  std::vector<std::string> env;
  double timeout_seconds = 10;
  std::string max_item_size;  // "" = judge::kDefaultCheckMaxItemSize
  std::string report_json;
  std::string junit;
  std::string save_failures;  // --save-failures DIR
  bool verbose = false;
  bool no_color = false;
  bool quiet = false;    // -q: only the root problems, the cases that did not pass, the summary
  bool version = false;
  // The conformance catalogue (issue 4).
  std::string suite = "full";
  std::vector<std::string> cases, exclude;
  bool list = false, list_rules = false, strict = false, no_retry = false, allow_flaky = false;
  std::string expect;  // "" or "identity"
  std::string baseline;
  std::string values;        // --values: a domain name (conformance/domain.h)
  std::string input_sample;  // --input-sample FILE
  int jobs = conformance::DefaultJobs();
  std::string isolation = "auto";
  std::string locale = "auto";  // --locale: auto, none or a locale name
};

bool UsesCatalogue(const CheckArgs& a) { return a.script.empty(); }

std::vector<std::string> SplitPatterns(const std::vector<std::string>& in) {
  std::vector<std::string> out;
  for (const auto& s : in)
    for (auto p : absl::StrSplit(s, ',', absl::SkipWhitespace())) out.emplace_back(p);
  return out;
}

absl::StatusOr<std::vector<conformance::CaseRef>> PlanCatalogue(const CheckArgs& a) {
  conformance::Selection sel;
  sel.include = SplitPatterns(a.cases);
  sel.exclude = SplitPatterns(a.exclude);
  if (a.mode != "both") sel.mode = a.mode == "map" ? harness::Mode::kMap : harness::Mode::kReduce;
  auto plan = conformance::Plan(conformance::Catalogue(), sel);
  if (!plan.ok() || a.suite != "core") return plan;
  const auto& core = conformance::CoreSelection();
  std::erase_if(*plan, [&](const conformance::CaseRef& r) {
    return std::find(core.begin(), core.end(), r.entry->id) == core.end();
  });
  if (plan->empty() && !sel.include.empty())
    return absl::InvalidArgumentError(absl::StrCat(
        "--cases ", absl::StrJoin(sel.include, ","), " selects no case of --suite core (",
        absl::StrJoin(core, " "), ")"));
  return plan;
}

// The --baseline file, read and checked before any case runs; nullopt without --baseline.
absl::StatusOr<std::optional<conformance::Baseline>> LoadBaseline(const CheckArgs& a) {
  if (a.baseline.empty()) return std::nullopt;
  auto text = ReadWholeFile(a.baseline, "baseline");
  if (!text.ok()) return text.status();
  auto b = conformance::ParseBaseline(*text, a.baseline);
  if (!b.ok()) return b.status();
  return std::optional<conformance::Baseline>(std::move(*b));
}

absl::StatusOr<codec::ParamDict> LoadParams(const CheckArgs& a) {
  if (a.params.empty()) return codec::ParamDict{};
  auto text = ReadWholeFile(a.params, "params file");
  if (!text.ok()) return text.status();
  return judge::ParseParamsFile(*text, a.params);
}

// Where the human-readable text goes: stdout, or stderr when the JSON report takes stdout.
std::ostream& Out(const CheckArgs& a) { return a.report_json == "-" ? std::cerr : std::cout; }

// Colour only on a terminal, never with --no-color or NO_COLOR set to anything (no-color.org).
bool UseColor(const CheckArgs& a) {
  const char* no_color = std::getenv("NO_COLOR");
  const int fd = a.report_json == "-" ? STDERR_FILENO : STDOUT_FILENO;
  return !a.no_color && !(no_color && *no_color) && ::isatty(fd);
}

// A report path must be writable before any case runs: its directory exists and takes files,
// and the path is not a directory. "-" (stdout) is allowed where `allow_stdout`.
absl::Status CheckReportPath(const std::string& path, const char* option, bool allow_stdout) {
  if (path.empty() || (allow_stdout && path == "-")) return absl::OkStatus();
  std::error_code ec;
  const fs::path p = fs::absolute(path, ec);
  const fs::path dir = p.parent_path();
  if (ec || !fs::is_directory(dir))
    return absl::InvalidArgumentError(
        absl::StrCat(option, " ", path, ": directory ", dir.string(), " does not exist"));
  if (fs::is_directory(p))
    return absl::InvalidArgumentError(absl::StrCat(option, " ", path, ": is a directory"));
  if (::access(dir.c_str(), W_OK) != 0)
    return absl::InvalidArgumentError(
        absl::StrCat(option, " ", path, ": directory ", dir.string(), " is not writable"));
  return absl::OkStatus();
}

int UsageError(const std::string& message) {
  std::cerr << "dxt check: " << message << "\n";
  return kExitUsage;
}

// --locale: the second locale of the cases with non-ASCII text (judge::RunOptions::text_locale).
// auto = a UTF-8 locale this machine has (none when it has none, or when --env already sets the
// program's locale); none = LANG=C only; a name = that locale, which must exist here.
absl::StatusOr<std::string> TextLocale(const CheckArgs& a) {
  if (a.locale == "none") return std::string();
  if (a.locale != "auto") {
    auto codeset = harness::LocaleCodeset(a.locale);
    if (!codeset.ok()) return absl::InvalidArgumentError(absl::StrCat("--locale: ", codeset.status().message()));
    return a.locale;
  }
  for (const auto& kv : a.env)
    for (const char* name : {"LANG=", "LC_ALL=", "LC_CTYPE="})
      if (kv.starts_with(name)) return std::string();
  return harness::FindUtf8Locale().value_or("");
}

// How the header line names the locales: "text cases also under LANG=C.UTF-8".
std::string LocaleNote(const judge::RunOptions& run) {
  if (!run.text_locale.empty()) return absl::StrCat("text cases also under LANG=", run.text_locale);
  return "LANG=C only";
}

// The cases of --script FILE.
absl::StatusOr<std::vector<Case>> LoadCases(const CheckArgs& a) {
  auto text = ReadWholeFile(a.script, "script");
  if (!text.ok()) return text.status();
  auto parsed = judge::ParseScript(*text, a.script);
  if (!parsed.ok()) return parsed.status();
  std::vector<Case> cases = std::move(*parsed);
  if (!a.params.empty()) {
    auto text = ReadWholeFile(a.params, "params file");
    if (!text.ok()) return text.status();
    auto dict = judge::ParseParamsFile(*text, a.params);
    if (!dict.ok()) return dict.status();
    judge::MergeParams(*dict, &cases);
  }
  // --cases / --exclude select script cases by the same patterns as catalogue ones (their IDs
  // and "rules"); a pattern that selects none is an error, as for the catalogue.
  const std::vector<std::string> include = SplitPatterns(a.cases), exclude = SplitPatterns(a.exclude);
  auto selects = [](const std::string& pattern, const Case& c) {
    conformance::Entry e;
    e.id = c.id;
    e.rules = c.rules;
    return conformance::Selects(pattern, e);
  };
  for (const auto* list : {&include, &exclude})
    for (const std::string& p : *list)
      if (std::none_of(cases.begin(), cases.end(), [&](const Case& c) { return selects(p, c); }))
        return absl::InvalidArgumentError(
            absl::StrCat(list == &include ? "--cases" : "--exclude", " pattern \"", p,
                         "\" selects no case of ", a.script));
  std::vector<Case> selected;
  for (auto& c : cases) {
    bool want = a.mode == "both" || (a.mode == "map") == (c.mode == harness::Mode::kMap);
    auto any = [&](const std::vector<std::string>& ps) {
      return std::any_of(ps.begin(), ps.end(), [&](const std::string& p) { return selects(p, c); });
    };
    if (!include.empty() && !any(include)) want = false;
    if (any(exclude)) want = false;
    if (want) selected.push_back(std::move(c));
  }
  return selected;
}

// --save-failures: a FAILED case as a `--script` file plus the raw exchange of its run, named by
// its first FAILED check (tools/failure_files.h).
absl::Status SaveFailure(const std::string& dir, judge::Case c, const judge::CaseResult& r,
                         const progfuzz::RawExchange& raw, std::ostream& log) {
  if (r.verdict != judge::Verdict::kFailed) return absl::OkStatus();
  for (const auto& check : r.checks) {
    if (check.verdict != judge::Verdict::kFailed) continue;
    c.title = absl::StrCat(r.id, ": ", c.title.empty() ? r.title : c.title);
    auto path = WriteFailure(dir, check.check, check.rule, std::move(c), raw);
    if (!path.ok()) return path.status();
    log << "saved " << r.id << " [" << harness::ModeName(r.mode) << "]: " << *path
              << " (replay: dxt check --script " << *path << " PROGRAM)\n";
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

// Runs a case with its exchange recorded, and saves it when it FAILED.
absl::StatusOr<judge::CaseResult> RunAndSave(const judge::Case& c, judge::RunOptions options,
                                             const std::string& dir, std::ostream& log) {
  progfuzz::RawExchange raw;
  options.spawn = progfuzz::RecordingFactory(&raw, options.spawn);
  auto r = judge::RunCase(c, options);
  if (!r.ok()) return r.status();
  if (auto s = SaveFailure(dir, c, *r, raw, log); !s.ok()) return s;
  return r;
}

// Writes the reports and returns the exit code: FAILED cases count, or with a baseline (suite
// runs only) only the new failures.
// After a stop signal: the summary of the cases that finished, then the process ends with the
// signal (lifetime.h; the programs were killed by then, the temporary directories go now).
// The per-case lines, in case order: every case, or with -q only those that did not pass.
std::string CaseLines(const CheckArgs& a, const std::vector<judge::CaseResult>& results,
                      bool color) {
  std::string out;
  for (const judge::CaseResult& r : results) {
    const bool passed = r.verdict == judge::Verdict::kOk || r.verdict == judge::Verdict::kSkipped;
    if (a.quiet && !a.verbose && passed && !r.flaky) continue;
    out += conformance::RenderCaseLine(r, color);
    if (a.verbose) out += r.transcript;
  }
  return out;
}

[[noreturn]] void FinishInterrupted(const CheckArgs& a,
                                    const std::vector<judge::CaseResult>& results, size_t planned,
                                    bool color) {
  std::cout << CaseLines(a, results, color) << conformance::RenderSummary(results, color);
  const char* name = ::sigabbrev_np(harness::StopSignal());
  std::cout << "dxt check: interrupted by SIG" << (name ? name : "?") << " after " << results.size()
            << " of " << planned
            << " case(s): the cases still running were stopped and are not reported; no report "
               "file written\n";
  std::cout.flush();
  harness::FinishStopped();
}

// Writes the text (root problems first, then the case lines, the summary last) and the reports,
// and returns the exit code: FAILED cases count, or with a baseline (suite runs only) only the
// new failures.
int Finish(const CheckArgs& a, const std::string& program,
           const std::vector<judge::CaseResult>& results,
           const std::vector<conformance::SuiteResult>* suite,
           const conformance::Baseline* baseline, bool color, harness::Isolation level,
           const conformance::RunEvidence& evidence = {}, const std::string& text_locale = "") {
  std::ostream& out = Out(a);
  const conformance::RunDiagnosis diagnosis =
      conformance::Diagnose(results, evidence, conformance::DetectLanguage(program, results));
  out << conformance::RenderRootProblems(diagnosis, results) << CaseLines(a, results, color);
  conformance::ReportInfo info{DXT_VERSION, program, harness::IsolationName(level),
                               text_locale};
  if (a.report_json == "-") {
    std::cout << conformance::RenderJson(info, results, &diagnosis);
    std::cout.flush();
  } else if (!a.report_json.empty()) {
    if (auto s = WriteFileAtomically(a.report_json,
                                     conformance::RenderJson(info, results, &diagnosis));
        !s.ok())
      return UsageError(std::string(s.message()));
  }
  if (!a.junit.empty()) {
    if (auto s = WriteFileAtomically(a.junit, conformance::RenderJUnit(info, results)); !s.ok())
      return UsageError(std::string(s.message()));
  }
  for (const auto& r : results)
    if (r.flaky)
      out << "FLAKY " << r.id << " " << harness::ModeName(r.mode)
          << ": FAILED, then passed on retry (reported "
          << (r.verdict == judge::Verdict::kFailed ? "FAILED" : "INFORMATIONAL") << ")\n";
  int code = conformance::CountVerdicts(results)["FAILED"] > 0 ? kExitFailed : kExitOk;
  if (baseline && suite) {
    auto report = conformance::CompareWithBaseline(conformance::OutcomesOf(*suite), *baseline);
    out << conformance::FormatBaselineReport(report, *baseline);
    code = report.ExitCode();
  }
  out << conformance::RenderSummary(results, color);
  return code;
}

int RunCatalogue(const CheckArgs& a, judge::RunOptions options, bool color,
                 ProgressLine& progress) {
  auto plan = PlanCatalogue(a);
  if (!plan.ok()) return UsageError(std::string(plan.status().message()));
  if (plan->empty()) return UsageError(absl::StrCat("no case for --mode ", a.mode));
  auto params = LoadParams(a);
  if (!params.ok()) return UsageError(std::string(params.status().message()));
  auto baseline = LoadBaseline(a);
  if (!baseline.ok()) return UsageError(std::string(baseline.status().message()));
  auto domain = LoadInputDomain(a.values, a.input_sample);
  if (!domain.ok()) return UsageError(std::string(domain.status().message()));
  conformance::SuiteOptions o;
  o.materialise.domain = std::move(*domain);
  o.materialise.identity = a.expect == "identity";
  o.materialise.strict = a.strict;
  o.materialise.extra_params = *params;
  o.run = std::move(options);
  o.jobs = a.jobs;
  o.retry = !a.no_retry;
  o.allow_flaky = a.allow_flaky;
  Out(a) << "dxt check " << o.run.program.path << " (" << plan->size()
         << " conformance case(s), " << a.jobs << " job(s), isolation "
         << harness::IsolationName(o.run.isolation);
  if (o.materialise.domain.declared()) Out(a) << "; " << o.materialise.domain.Describe();
  Out(a) << "; " << LocaleNote(o.run) << ")\n";
  progress.Start(plan->size());
  auto results = conformance::RunSuite(*plan, o);
  progress.Stop();
  if (harness::StopRequested() && results.ok())
    FinishInterrupted(a, conformance::CaseResultsOf(*results), plan->size(), color);
  if (harness::StopRequested()) harness::FinishStopped();
  if (!results.ok()) {
    std::cerr << "dxt check: harness error: " << results.status().message() << "\n";
    return kExitUsage;
  }
  conformance::RunEvidence evidence{conformance::FindRejectedValues(*plan, *results, o.materialise),
                                    conformance::ClassifyCaseBytes(*plan, *results, o.materialise)};
  if (!a.save_failures.empty()) {
    // Suite cases run concurrently and some with slow delivery; a FAILED one is run once more,
    // alone and recorded, for its files (its script replays it in lockstep or pipelined).
    judge::RunOptions once = o.run;
    once.on_case = nullptr;
    for (size_t i = 0; i < results->size(); ++i) {
      if ((*results)[i].result.verdict != judge::Verdict::kFailed) continue;
      judge::Case c = conformance::Materialise(*(*plan)[i].entry, (*plan)[i].mode, o.materialise);
      progfuzz::RawExchange raw;
      once.spawn = progfuzz::RecordingFactory(&raw, o.run.spawn);
      auto again = judge::RunCase(c, once);
      if (!again.ok()) return UsageError(std::string(again.status().message()));
      if (again->verdict != judge::Verdict::kFailed)
        Out(a) << "note: " << (*results)[i].result.id
                  << " passed when run again for --save-failures; saving that exchange\n";
      judge::CaseResult first = (*results)[i].result;
      if (auto s = SaveFailure(a.save_failures, c, first, raw, Out(a)); !s.ok())
        return UsageError(std::string(s.message()));
    }
  }
  return Finish(a, o.run.program.path, conformance::CaseResultsOf(*results), &*results,
                baseline->has_value() ? &**baseline : nullptr, color, o.run.isolation, evidence,
                o.run.text_locale);
}

int RunCheck(const CheckArgs& a) {
  if (a.list || a.list_rules) {
    if (a.list_rules) {
      std::cout << conformance::FormatRuleCoverage(conformance::Catalogue());
      return kExitOk;
    }
    auto plan = PlanCatalogue(a);
    if (!plan.ok()) return UsageError(std::string(plan.status().message()));
    std::cout << conformance::FormatList(conformance::EntriesOf(*plan));
    return kExitOk;
  }
  if (a.jobs < 1) return UsageError("--jobs must be at least 1");
  for (auto [path, option, allow_stdout] :
       {std::tuple{&a.report_json, "--report-json", true}, {&a.junit, "--junit", false}})
    if (absl::Status s = CheckReportPath(*path, option, allow_stdout); !s.ok())
      return UsageError(std::string(s.message()));
  if (!a.save_failures.empty())
    if (absl::Status s = CheckFailureDir(a.save_failures, "--save-failures"); !s.ok())
      return UsageError(std::string(s.message()));
  if (!a.baseline.empty() && !UsesCatalogue(a))
    return UsageError(
        "--baseline applies to the conformance catalogue (not --script)");
  if ((!a.values.empty() || !a.input_sample.empty()) && !UsesCatalogue(a))
    return UsageError(
        "--values and --input-sample apply to the conformance catalogue (a --script brings its "
        "own input)");
  absl::StatusOr<std::chrono::milliseconds> timeout = judge::TimeoutFromSeconds(a.timeout_seconds);
  if (!timeout.ok()) return UsageError(absl::StrCat("--timeout: ", timeout.status().message()));
  uint64_t max_item_size = judge::kDefaultCheckMaxItemSize;
  if (!a.max_item_size.empty()) {
    auto size = judge::ParseItemSize(a.max_item_size);
    if (!size.ok()) return UsageError(absl::StrCat("--max-item-size: ", size.status().message()));
    max_item_size = *size;
  }
  for (const auto& kv : a.env)
    if (kv.find('=') == std::string::npos || kv.front() == '=')
      return UsageError(absl::StrCat("--env expects K=V, got '", kv, "'"));
  std::error_code ec;
  fs::path program = fs::absolute(a.program, ec).lexically_normal();
  if (ec || !fs::exists(program)) return UsageError(absl::StrCat("program not found: ", a.program));
  if (!fs::is_regular_file(program) || ::access(program.c_str(), X_OK) != 0)
    return UsageError(absl::StrCat("program is not an executable file: ", a.program));
  auto requested = harness::ParseIsolation(a.isolation);
  if (!requested.ok()) return UsageError(absl::StrCat("--isolation: ", requested.status().message()));
  // Before any thread exists (they inherit the blocked stop signals) and before any program runs.
  harness::InstallStopSignals();
  harness::RemoveDeadProcessDirs();
  auto level = harness::ResolveIsolation(*requested);
  if (!level.ok()) return UsageError(std::string(level.status().message()));
  auto text_locale = TextLocale(a);
  if (!text_locale.ok()) return UsageError(std::string(text_locale.status().message()));
  const bool color = UseColor(a);
  judge::RunOptions options;
  options.text_locale = *text_locale;
  options.isolation = *level;
  options.program = {program.string(), a.args, a.files, a.env};
  options.timeout = *timeout;
  options.max_item_size = max_item_size;
  options.extra_params_given = !a.params.empty();
  options.verbose = a.verbose;
  // The case lines are written at the end, after the root problems they are explained by; on a
  // terminal (not with -q) a progress line counts the cases meanwhile.
  const int text_fd = a.report_json == "-" ? STDERR_FILENO : STDOUT_FILENO;
  ProgressLine progress(Out(a), ::isatty(text_fd) && !a.quiet);
  options.on_case = [&progress](const judge::CaseResult&) { progress.Advance(); };
  if (UsesCatalogue(a)) return RunCatalogue(a, std::move(options), color, progress);
  auto cases = LoadCases(a);
  if (!cases.ok()) return UsageError(std::string(cases.status().message()));
  if (cases->empty()) return UsageError(absl::StrCat("no case for --mode ", a.mode));
  Out(a) << "dxt check " << program.string() << " (" << cases->size()
         << " case(s), isolation " << harness::IsolationName(*level) << "; "
         << LocaleNote(options) << ")\n";
  std::vector<judge::CaseResult> finished;  // for the partial summary after a stop signal
  options.on_case = [&, print = options.on_case](const judge::CaseResult& r) {
    finished.push_back(r);
    print(r);
  };
  absl::StatusOr<std::vector<judge::CaseResult>> results;
  progress.Start(cases->size());
  if (a.save_failures.empty()) {
    results = judge::RunCases(*cases, options);
  } else {
    results.emplace();
    for (const judge::Case& c : *cases) {
      if (harness::StopRequested()) break;
      std::ostringstream saved;
      auto r = RunAndSave(c, options, a.save_failures, saved);
      progress.Print(saved.str());
      if (!r.ok()) {
        results = r.status();
        break;
      }
      options.on_case(*r);
      results->push_back(std::move(*r));
    }
  }
  progress.Stop();
  if (harness::StopRequested()) FinishInterrupted(a, finished, cases->size(), color);
  if (!results.ok()) {
    std::cerr << "dxt check: harness error: " << results.status().message() << "\n";
    return kExitUsage;
  }
  return Finish(a, program.string(), *results, nullptr, nullptr, color, *level, {},
                options.text_locale);
}

CommandRegistrar registrar({
    "check",
    "Judge an external program against every protocol rule (exit 0 = no FAILED case)",
    20,
    [](CLI::App& sub) -> std::function<int()> {
      auto a = std::make_shared<CheckArgs>();
      sub.add_option("program", a->program, "the program to check (no PATH lookup)");
      sub.add_option("args", a->args, "extra arguments after the mode (after --)");
      sub.add_option("--mode", a->mode, "map, reduce or both")
          ->check(CLI::IsMember({"map", "reduce", "both"}));
      sub.add_option("--script", a->script, "JSON case file instead of the conformance catalogue");
      sub.add_option("--params", a->params, "JSON object merged into every case's parameters");
      sub.add_option("--file", a->files, "supporting file copied next to the program (repeatable)")
          ->allow_extra_args(false);
      sub.add_option("--env", a->env, "K=V added to the program's minimal environment (repeatable)")
          ->allow_extra_args(false);
      sub.add_option("--timeout", a->timeout_seconds, "reply deadline in seconds (default 10)");
      sub.add_option("--max-item-size", a->max_item_size,
                     "largest key or value the program may write, in bytes or with K, M, G "
                     "(KiB, MiB, GiB; default 64M; at most 4294967295)");
      sub.add_option("--report-json", a->report_json,
                     "write the JSON report here; - = stdout (the text then goes to stderr)");
      sub.add_option("--junit", a->junit, "write a JUnit XML report here");
      sub.add_option("--save-failures", a->save_failures,
                     "write each FAILED case here as a --script file with its raw exchange "
                     "(<check>-<rule>-<n>.json, .stdin, .stdout, .stderr)");
      sub.add_flag("--verbose", a->verbose, "print each conversation's transcript");
      sub.add_flag("--no-color", a->no_color, "no ANSI colours (also when NO_COLOR is set)");
      sub.add_flag("-q,--quiet", a->quiet,
                   "only the root problems, the cases that did not pass and the summary");
      sub.add_flag("--version", a->version, "print dxt's version and exit");
      sub.add_option("--suite", a->suite,
                     "full = the conformance catalogue (default), core = its quick selection of 13 entries")
          ->check(CLI::IsMember({"full", "core"}));
      sub.add_option(
             "--cases", a->cases,
             "run only these IDs: prefix (2.3), glob (5.*.1) or rule (R5.2), comma-separated, "
             "repeatable")
          ->allow_extra_args(false);
      sub.add_option("--exclude", a->exclude, "skip these IDs (same patterns as --cases)")
          ->allow_extra_args(false);
      sub.add_flag("--list", a->list, "print 'id  modes  rules  title' of the selected cases and exit");
      sub.add_flag("--list-rules", a->list_rules,
                   "print each SPEC rule with the cases covering it and exit");
      sub.add_flag("--strict", a->strict, "NON-STRICT cases count as FAILED");
      sub.add_option("--expect", a->expect,
                     "identity: the program echoes pairs; check content byte for byte")
          ->check(CLI::IsMember({"identity"}));
      sub.add_option("--baseline", a->baseline,
                     "JSON of expected failures; exit code counts only new failures");
      sub.add_option("--jobs", a->jobs,
                     "cases run concurrently (default: 4 per core; heavy cases one at a time; the "
                     "cases of a blocked mode take no slot while the CPUs are half idle)");
      sub.add_option("--values", a->values,
                     "what the program's input values are: bytes (default), decimal (counts), "
                     "words, lines; each case keeps its shape, cases needing other bytes are "
                     "SKIPPED")
          ->check(CLI::IsMember(conformance::DomainNames()));
      sub.add_option("--input-sample", a->input_sample,
                     "a sample of the program's real input (JSON lines as `dxt decode` writes, or "
                     "pair frames): keys and values are drawn from it");
      sub.add_flag("--no-retry", a->no_retry, "do not retry a FAILED case (no FLAKY detection)");
      sub.add_flag("--allow-flaky", a->allow_flaky,
                   "a case that FAILED and passed on its retry (FLAKY) is INFORMATIONAL, not FAILED");
      sub.add_option("--locale", a->locale,
                     "second locale for the cases with non-ASCII text: auto (default: a UTF-8 "
                     "locale when the machine has one), none (LANG=C only) or a locale name");
      sub.add_option("--isolation", a->isolation,
                     "auto (default: namespaces where bubblewrap works, else process-group), "
                     "namespaces (fail if unavailable) or process-group")
          ->check(CLI::IsMember({"auto", "namespaces", "process-group"}));
      return [a] {
        if (a->version) {
          std::cout << "dxt check " << DXT_VERSION << "\n";
          return kExitOk;
        }
        if (a->program.empty() && !a->list && !a->list_rules)
          return UsageError("PROGRAM is required");
        return RunCheck(*a);
      };
    },
});

}  // namespace
}  // namespace dxt::tools
