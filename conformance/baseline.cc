#include "conformance/baseline.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/driver.h"
#include "nlohmann/json.hpp"

namespace dxt::conformance {

Verdict AfterRetry(Verdict first, std::optional<Verdict> retry, bool* flaky) {
  *flaky = false;
  if (first != Verdict::kFailed || !retry) return first;
  if (*retry == Verdict::kFailed) return Verdict::kFailed;
  *flaky = true;
  return Verdict::kInformational;
}

const ExpectedFailure* Baseline::Find(std::string_view id, Mode mode) const {
  for (const ExpectedFailure& f : expected_failures)
    if (f.id == id && (!f.mode || *f.mode == mode)) return &f;
  return nullptr;
}

absl::StatusOr<Baseline> ParseBaseline(std::string_view json_text, std::string_view source) {
  using Json = nlohmann::json;
  auto error = [&](const std::string& where, const std::string& what) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(source), ": ", where, ": ", what));
  };
  Json j = Json::parse(json_text.begin(), json_text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return error("top level", "invalid JSON");
  if (!j.is_object() || !j.contains("expected_failures") || !j["expected_failures"].is_array())
    return error("top level", "expected {\"expected_failures\": [...]}");
  Baseline b;
  const Json& arr = j["expected_failures"];
  for (size_t i = 0; i < arr.size(); ++i) {
    std::string where = absl::StrCat("expected_failures[", i, "]");
    const Json& v = arr[i];
    if (!v.is_object()) return error(where, "expected an object");
    ExpectedFailure f;
    if (!v.contains("id") || !v["id"].is_string() || v["id"].get<std::string>().empty())
      return error(where + ".id", "required non-empty string");
    f.id = v["id"].get<std::string>();
    if (v.contains("mode")) {
      std::string m = v["mode"].is_string() ? v["mode"].get<std::string>() : "";
      if (m != "map" && m != "reduce")
        return error(where + ".mode", "expected \"map\" or \"reduce\"");
      f.mode = m == "map" ? Mode::kMap : Mode::kReduce;
    }
    if (!v.contains("reason") || !v["reason"].is_string() || v["reason"].get<std::string>().empty())
      return error(where + ".reason", "required non-empty string (why the failure is expected)");
    f.reason = v["reason"].get<std::string>();
    b.expected_failures.push_back(std::move(f));
  }
  return b;
}

BaselineReport CompareWithBaseline(const std::vector<Outcome>& outcomes, const Baseline& baseline) {
  BaselineReport r;
  std::set<const ExpectedFailure*> used;
  for (const Outcome& o : outcomes) {
    const ExpectedFailure* f = baseline.Find(o.id, o.mode);
    if (f) used.insert(f);
    if (o.flaky) r.flaky.push_back(o);
    if (o.verdict == Verdict::kFailed) {
      (f ? r.known_failures : r.new_failures).push_back(o);
    } else if (f && o.verdict != Verdict::kSkipped) {
      r.newly_passing.push_back(o);
    }
  }
  for (const ExpectedFailure& f : baseline.expected_failures)
    if (!used.count(&f)) r.not_run.push_back(f);
  return r;
}

std::string FormatBaselineReport(const BaselineReport& report, const Baseline& baseline) {
  std::string out =
      absl::StrCat("baseline: ", report.new_failures.size(), " new failure(s), ",
                   report.known_failures.size(), " known failure(s), ", report.newly_passing.size(),
                   " newly passing, ", report.flaky.size(), " flaky\n");
  auto section = [&](const char* title, const std::vector<Outcome>& list, bool reason) {
    if (list.empty()) return;
    absl::StrAppend(&out, title, ":\n");
    for (const Outcome& o : list) {
      absl::StrAppend(&out, "  ", o.id, " ", harness::ModeName(o.mode), " ",
                      judge::VerdictName(o.verdict));
      const ExpectedFailure* f = baseline.Find(o.id, o.mode);
      if (reason && f) absl::StrAppend(&out, "  (baseline: ", f->reason, ")");
      out += "\n";
    }
  };
  section("NEW FAILURES", report.new_failures, false);
  section("newly passing (remove from the baseline)", report.newly_passing, true);
  section("known failures", report.known_failures, true);
  section("FLAKY (failed, then passed on retry)", report.flaky, false);
  if (!report.not_run.empty()) {
    absl::StrAppend(&out, "baseline entries not run:\n");
    for (const ExpectedFailure& f : report.not_run)
      absl::StrAppend(&out, "  ", f.id, f.mode ? absl::StrCat(" ", harness::ModeName(*f.mode)) : "",
                      "\n");
  }
  return out;
}

}  // namespace dxt::conformance
