// The JSON report's schema (docs/report.schema.json) is the report's documentation, so it must
// stay true: real reports, written by the real `dxt check` on good, failing, flaky and skipped
// programs, are validated against it, and every field the schema documents must appear in one of
// them. A field added to or renamed in conformance/report.cc without the schema fails here.
//
// No JSON Schema library is in the Debian set dxt builds with, so SchemaValidator below implements
// the subset the schema uses (type, enum, const, required, properties, additionalProperties,
// items, minimum, $ref into $defs) and refuses any other keyword, so the schema cannot rely on a
// rule nobody checks. Where Python's jsonschema happens to be installed, it checks the same
// reports too (an independent implementation of the full standard).
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <future>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using dxt::testing::kDxt;
using dxt::testing::ReadFile;
using dxt::testing::ShellQuote;

constexpr char kSchemaPath[] = DXT_SOURCE_DIR "/docs/report.schema.json";
constexpr char kPrograms[] = DXT_BINARY_DIR "/tests/programs/";
constexpr char kScripts[] = DXT_SOURCE_DIR "/tests/programs/scripts/";
constexpr char kReferenceEcho[] = DXT_BINARY_DIR "/reference/programs/echo";

// Validates instances against a schema written in the subset named above. Errors name the
// instance path ("/cases/3/checks/0/verdict") and the schema location ("#/$defs/check/...").
class SchemaValidator {
 public:
  explicit SchemaValidator(json schema) : root_(std::move(schema)) {}

  std::vector<std::string> Validate(const json& instance) {
    errors_.clear();
    Check(root_, "#", instance, "");
    return errors_;
  }
  // The schema locations of every property an instance validated so far carried.
  const std::set<std::string>& seen() const { return seen_; }

 private:
  static bool HasType(const json& v, const std::string& type) {
    if (type == "object") return v.is_object();
    if (type == "array") return v.is_array();
    if (type == "string") return v.is_string();
    if (type == "boolean") return v.is_boolean();
    if (type == "integer") return v.is_number_integer();
    if (type == "number") return v.is_number();
    if (type == "null") return v.is_null();
    return false;
  }

  void Fail(const std::string& where, const std::string& at, const std::string& why) {
    errors_.push_back((where.empty() ? std::string("/") : where) + ": " + why + " (schema " + at +
                      ")");
  }

  const json* Resolve(const std::string& ref) {
    static const std::regex defs(R"(^#/\$defs/([A-Za-z0-9_-]+)$)");
    std::smatch m;
    if (!std::regex_match(ref, m, defs) || !root_.contains("$defs") ||
        !root_["$defs"].contains(m[1].str()))
      return nullptr;
    return &root_["$defs"][m[1].str()];
  }

  void Check(const json& s, const std::string& at, const json& v, const std::string& where) {
    static const std::set<std::string> kKnown = {
        "$schema", "title",    "description", "$comment", "$defs",
        "type",    "enum",     "const",       "required", "properties",
        "additionalProperties", "items",      "minimum",  "$ref"};
    if (s.is_boolean()) {
      if (!s.get<bool>()) Fail(where, at, "no value is allowed here");
      return;
    }
    for (const auto& [key, _] : s.items())
      if (!kKnown.count(key)) Fail(where, at, "the schema uses the unsupported keyword " + key);
    if (s.contains("$ref")) {
      const std::string ref = s["$ref"];
      if (const json* target = Resolve(ref)) {
        Check(*target, ref, v, where);
      } else {
        Fail(where, at, "unresolvable $ref " + ref);
      }
    }
    if (s.contains("type")) {
      std::vector<std::string> types;
      if (s["type"].is_array()) {
        for (const json& t : s["type"]) types.push_back(t);
      } else {
        types.push_back(s["type"]);
      }
      bool any = false;
      for (const auto& t : types) any = any || HasType(v, t);
      if (!any) Fail(where, at, "expected type " + s["type"].dump() + ", got " + v.dump().substr(0, 60));
    }
    if (s.contains("const") && v != s["const"])
      Fail(where, at, "expected " + s["const"].dump() + ", got " + v.dump().substr(0, 60));
    if (s.contains("enum") &&
        std::find(s["enum"].begin(), s["enum"].end(), v) == s["enum"].end())
      Fail(where, at, "expected one of " + s["enum"].dump() + ", got " + v.dump().substr(0, 60));
    if (s.contains("minimum") && v.is_number() && v.get<double>() < s["minimum"].get<double>())
      Fail(where, at, "below the minimum " + s["minimum"].dump());
    if (v.is_object()) CheckObject(s, at, v, where);
    if (v.is_array() && s.contains("items"))
      for (size_t i = 0; i < v.size(); ++i)
        Check(s["items"], at + "/items", v[i], where + "/" + std::to_string(i));
  }

  void CheckObject(const json& s, const std::string& at, const json& v, const std::string& where) {
    if (s.contains("required"))
      for (const json& name : s["required"])
        if (!v.contains(name.get<std::string>()))
          Fail(where, at, "the required field \"" + name.get<std::string>() + "\" is missing");
    const json props = s.value("properties", json::object());
    for (const auto& [key, value] : v.items()) {
      const std::string loc = at + "/properties/" + key;
      if (props.contains(key)) {
        seen_.insert(loc);
        Check(props[key], loc, value, where + "/" + key);
      } else if (s.contains("additionalProperties")) {
        if (s["additionalProperties"].is_boolean() && !s["additionalProperties"].get<bool>()) {
          Fail(where, at, "field \"" + key + "\" is not in the schema");
        } else {
          Check(s["additionalProperties"], at + "/additionalProperties", value, where + "/" + key);
        }
      }
    }
  }

  json root_;
  std::vector<std::string> errors_;
  std::set<std::string> seen_;
};

json LoadSchema() {
  json schema = json::parse(ReadFile(kSchemaPath), nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(schema.is_object()) << kSchemaPath << " is not JSON";
  return schema;
}

// Every property schema in `s` (at location `at`), depth first, with its location.
void CollectProperties(const json& s, const std::string& at,
                       std::vector<std::pair<std::string, const json*>>* out) {
  if (!s.is_object()) return;
  if (s.contains("properties"))
    for (const auto& [name, p] : s["properties"].items()) {
      out->emplace_back(at + "/properties/" + name, &p);
      CollectProperties(p, at + "/properties/" + name, out);
    }
  if (s.contains("items")) CollectProperties(s["items"], at + "/items", out);
  if (s.contains("$defs"))
    for (const auto& [name, d] : s["$defs"].items()) CollectProperties(d, "#/$defs/" + name, out);
}

TEST(SchemaValidator, RefusesWhatTheSchemaForbids) {
  SchemaValidator v(LoadSchema());
  json good = {{"format_version", 1}, {"tool", "dxt"},         {"version", "0.1.0"},
               {"program", "/p"},     {"isolation", "namespaces"},
               {"summary", {{"OK", 1}, {"NON-STRICT", 0}, {"INFORMATIONAL", 0}, {"FAILED", 0},
                            {"SKIPPED", 0}, {"flaky", 0}}},
               {"cases", json::array()}};
  EXPECT_THAT(v.Validate(good), testing::IsEmpty());
  auto with = [&](const std::function<void(json&)>& edit) {
    json r = good;
    edit(r);
    return v.Validate(r);
  };
  using testing::ElementsAre;
  using testing::HasSubstr;
  EXPECT_THAT(with([](json& r) { r["extra"] = 1; }),
              ElementsAre(HasSubstr("field \"extra\" is not in the schema")));
  EXPECT_THAT(with([](json& r) { r.erase("program"); }),
              ElementsAre(HasSubstr("required field \"program\" is missing")));
  EXPECT_THAT(with([](json& r) { r["format_version"] = 2; }), ElementsAre(HasSubstr("expected 1")));
  EXPECT_THAT(with([](json& r) { r["summary"]["OK"] = "1"; }),
              ElementsAre(HasSubstr("/summary/OK: expected type \"integer\"")));
  EXPECT_THAT(with([](json& r) { r["summary"]["FAILED"] = -1; }),
              ElementsAre(HasSubstr("below the minimum")));
  EXPECT_THAT(with([](json& r) { r["isolation"] = "none"; }), ElementsAre(HasSubstr("one of")));
  json c = {{"id", "1.1.1"}, {"mode", "map"},  {"title", "t"}, {"rules", {"R1.1"}},
            {"verdict", "OK"}, {"flaky", false}, {"duration_ms", 3},
            {"checks", {{{"check", "params"}, {"verdict", "OK"}, {"rule", ""}, {"detail", ""}}}}};
  EXPECT_THAT(with([&](json& r) { r["cases"].push_back(c); }), testing::IsEmpty());
  EXPECT_THAT(with([&](json& r) {
                r["cases"].push_back(c);
                r["cases"][0]["checks"][0]["check"] = "parameters";
              }),
              ElementsAre(HasSubstr("/cases/0/checks/0/check: expected one of")));
  EXPECT_THAT(with([&](json& r) {
                r["cases"].push_back(c);
                r["cases"][0]["checks"][0]["why"] = "renamed detail";
                r["cases"][0]["checks"][0].erase("detail");
              }),
              testing::UnorderedElementsAre(HasSubstr("\"detail\" is missing"),
                                            HasSubstr("\"why\" is not in the schema")));
  SchemaValidator strict(json{{"type", "object"}, {"pattern", "x"}});
  EXPECT_THAT(strict.Validate(json::object()), ElementsAre(HasSubstr("unsupported keyword pattern")));
}

TEST(ReportSchema, EveryFieldIsDocumented) {
  json schema = LoadSchema();
  std::vector<std::pair<std::string, const json*>> props;
  CollectProperties(schema, "#", &props);
  EXPECT_GT(props.size(), 20u);
  for (const auto& [at, p] : props) {
    EXPECT_TRUE(p->contains("description") && !(*p)["description"].get<std::string>().empty())
        << at << " has no description";
  }
  for (const auto& [name, d] : schema["$defs"].items())
    EXPECT_TRUE(d.contains("description")) << "#/$defs/" << name << " has no description";
}

// One real `dxt check` run whose report is validated.
struct RunSpec {
  std::string name;
  std::string args;    // after `dxt check --no-color --report-json R --junit J`, already quoted;
                       // @DIR@ stands for the run's own directory
  int exit_code;       // what dxt check must exit with
  std::string script;  // when set, written to @DIR@/prog.sh (executable) first
};

std::string Program(const std::string& name) { return ShellQuote(kPrograms + name); }

// Good, failing (several checks, blocked cases), flaky, skipped and script runs; quick ones.
std::vector<RunSpec> Runs() {
  const std::string echo = ShellQuote(kReferenceEcho);
  const std::string scripts = kScripts;
  return {
      {"good_reference_echo", "--suite core " + echo, 0, ""},
      {"good_script",
       "--script " + ShellQuote(scripts + "echo_map.json") + " " + Program("good_echo"), 0, ""},
      {"failing_no_flush_blocked", "--suite core --mode map --timeout 1 " + Program("no_flush"), 1,
       ""},
      {"failing_ignores_params", "--suite core --mode map --timeout 2 " + Program("ignores_params"),
       1, ""},
      {"failing_count_lies", "--suite core --timeout 2 " + Program("count_lies"), 1, ""},
      // Both modes of a map that never flushes: every map case FAILED or blocked, reduce passes
      // (mode_hint); a Python traceback (stderr_tail, root problems with consequences).
      {"failing_no_flush_both_modes", "--suite core --timeout 1 " + Program("no_flush"), 1, ""},
      {"failing_python_traceback",
       "--mode reduce --cases 1.1.1 --timeout 5 " + Program("ignores_params_reduce.py"), 1, ""},
      // Causes of the run's properties and of a copied stdin (echoes-stdin, interprets-bytes).
      {"failing_cat_filter",
       "--mode map --cases 1.1.1,2.2.2 --timeout 2 " + Program("cat_filter.sh"), 1, ""},
      {"failing_lists_to_stderr",
       "--cases 1.1.1,3.1.19 --timeout 2 " + Program("lists_to_stderr.py"), 1, ""},
      {"failing_uncaught_error",
       "--mode map --cases 3.1.19 --timeout 2 " + Program("dies_on_large_key.pl"), 1, ""},
      {"failing_text_mode", "--mode map --timeout 2 " + Program("text_mode_python.py"), 1, ""},
      {"failing_exit3_script",
       "--script " + ShellQuote(scripts + "echo_reduce.json") + " " + Program("exit3"), 1, ""},
      {"skipped_outside_domain", "--values decimal --cases 1.1.1,3.1.5 " + echo, 0, ""},
      // Fails only under the UTF-8 locale (text_locale, a case's "locale"; Debian has C.UTF-8).
      {"failing_only_under_utf8", "--mode reduce --cases 3.1.13 " + Program("utf8_char_lengths"), 1,
       ""},
      // FAILED on its first run (exit 3), conforming on the retry: a marker file outside its
      // sandbox remembers the first run (process-group isolation lets the program write there).
      {"flaky",
       "--isolation process-group --cases 6.1.1 --mode reduce --timeout 5 --env MARK=@DIR@/mark "
       "@DIR@/prog.sh",
       1, "#!/bin/sh\ncat >/dev/null\n[ -e \"$MARK\" ] && exit 0\n: > \"$MARK\"\nexit 3\n"},
  };
}

struct Outcome {
  dxt::testing::DxtRun run;  // the command line and its text output in `out`, the report
  std::string junit;
};

// Runs `run` with its files in `dir`: `dxt check --no-color --report-json R --junit J ARGS`.
Outcome RunOne(const RunSpec& run, const fs::path& dir) {
  fs::create_directories(dir);
  if (!run.script.empty()) {
    std::ofstream(dir / "prog.sh") << run.script;
    fs::permissions(dir / "prog.sh", fs::perms::owner_all);
  }
  const std::string args = "--junit " + ShellQuote(dir / "junit.xml") + " " +
                           std::regex_replace(run.args, std::regex("@DIR@"), dir.string());
  Outcome o;
  o.run = dxt::testing::RunCheck(dir, args, {.merge_stderr = true});
  o.run.out = "dxt check " + args + "\n" + o.run.out;
  o.junit = ReadFile(dir / "junit.xml");
  return o;
}

class ReportSchemaRuns : public dxt::testing::CliTest<> {
 protected:
  void SetUp() override {
    if (!fs::exists(kDxt)) GTEST_SKIP() << "dxt is not built";
    if (!fs::exists(kReferenceEcho)) GTEST_SKIP() << "the reference echo is not built";
    CliTest::SetUp();
  }
};

// JUnit mapping (judge/README.md): a <testcase> per case, <failure> per FAILED case, <skipped>
// per SKIPPED one.
size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST_F(ReportSchemaRuns, RealReportsValidateAndUseEveryDocumentedField) {
  json schema = LoadSchema();
  SchemaValidator validator(schema);
  const std::vector<RunSpec> runs = Runs();
  // The runs are independent: run them at once (each `dxt check` is mostly waiting).
  std::vector<std::future<Outcome>> pending;
  for (const RunSpec& run : runs)
    pending.push_back(std::async(std::launch::async, RunOne, run, dir_ / run.name));
  bool flaky_seen = false, skip_reason_seen = false;
  for (size_t i = 0; i < runs.size(); ++i) {
    const RunSpec& run = runs[i];
    Outcome o = pending[i].get();
    SCOPED_TRACE(run.name);
    const json& report = o.run.report;
    EXPECT_EQ(o.run.exit_code, run.exit_code) << o.run.out;
    ASSERT_TRUE(report.is_object()) << "no JSON report\n" << o.run.out;
    EXPECT_THAT(validator.Validate(report), testing::IsEmpty()) << report.dump(1);
    ASSERT_FALSE(report["cases"].empty()) << o.run.out;
    const json& cases = report["cases"];
    EXPECT_EQ(Count(o.junit, "<testcase "), cases.size()) << o.junit;
    size_t failed = 0, skipped = 0;
    for (const json& c : cases) {
      failed += c.value("verdict", "") == "FAILED";
      skipped += c.value("verdict", "") == "SKIPPED";
      flaky_seen = flaky_seen || c.value("flaky", false);
      skip_reason_seen = skip_reason_seen || c.contains("skip_reason");
    }
    EXPECT_EQ(Count(o.junit, "<failure "), failed) << o.junit;
    EXPECT_EQ(Count(o.junit, "<skipped "), skipped) << o.junit;
    if (run.name == "flaky") {
      EXPECT_THAT(o.junit, testing::HasSubstr("FLAKY")) << o.junit;
    }
  }
  EXPECT_TRUE(flaky_seen) << "no run produced a FLAKY case";
  EXPECT_TRUE(skip_reason_seen) << "no run produced a SKIPPED case with its reason";
  // A field the schema documents but no real report carries is stale (renamed or removed) or
  // untested: add a run above that produces it.
  std::vector<std::pair<std::string, const json*>> props;
  CollectProperties(schema, "#", &props);
  for (const auto& [at, p] : props)
    EXPECT_TRUE(validator.seen().count(at)) << at << " is documented but no real report has it";

  // An independent validator of the full standard, where one is installed.
  if (std::system("python3 -c 'import jsonschema' >/dev/null 2>&1") != 0) return;
  std::string files;
  for (const RunSpec& run : runs) files += " " + ShellQuote(dir_ / run.name / "report.json");
  const std::string py =
      "import json, sys, jsonschema\n"
      "schema = json.load(open(sys.argv[1]))\n"
      "jsonschema.Draft202012Validator.check_schema(schema)\n"
      "v = jsonschema.Draft202012Validator(schema)\n"
      "bad = [f'{f}: {e.message}' for f in sys.argv[2:] for e in v.iter_errors(json.load(open(f)))]\n"
      "print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n";
  std::ofstream(dir_ / "validate.py") << py;
  const std::string command = "python3 " + ShellQuote(dir_ / "validate.py") + " " +
                              ShellQuote(kSchemaPath) + files + " > " +
                              ShellQuote(dir_ / "py.txt") + " 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << ReadFile(dir_ / "py.txt");
}

}  // namespace
