#include "tools/failure_files.h"

#include <unistd.h>

#include <filesystem>
#include <set>

#include "absl/strings/str_cat.h"
#include "codec/jsonl.h"
#include "tools/atomic_file.h"

namespace dxt::tools {
namespace {

namespace fs = std::filesystem;
using codec::BytesToJson;
using codec::IsValidUtf8;
using codec::Json;
using codec::PairToJson;

Json PairsJson(const std::vector<judge::OwnedPair>& pairs) {
  Json a = Json::array();
  for (const auto& [k, v] : pairs) a.push_back(PairToJson(k, v));
  return a;
}

// A file stem: the check and rule with anything but [A-Za-z0-9.] as '_'.
std::string Stem(const std::string& check, const std::string& rule) {
  std::string s = absl::StrCat(check, "-", rule.empty() ? "none" : rule);
  for (char& ch : s)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-')) ch = '_';
  return s;
}

}  // namespace

Json ScriptParamsJson(const codec::ParamDict& params, const std::optional<std::string>& raw) {
  if (raw) return Json{{"raw", BytesToJson(*raw)}};
  std::set<std::string> keys;
  // A lone "raw" key would read back as a raw block: such a dictionary is written as a list.
  bool as_object = !(params.size() == 1 && params[0].first == "raw");
  for (const auto& [k, v] : params) as_object = as_object && IsValidUtf8(k) && keys.insert(k).second;
  if (!as_object) return PairsJson(params);
  Json o = Json::object();
  for (const auto& [k, v] : params) o[k] = BytesToJson(v);
  return o;
}

std::string ScriptOf(const judge::Case& c) {
  Json j = Json::object();
  j["id"] = c.id;
  if (!c.title.empty()) j["title"] = c.title;
  j["mode"] = harness::ModeName(c.mode);
  if (!c.rules.empty()) j["rules"] = c.rules;
  if (!c.params.empty() || c.raw_params) j["params"] = ScriptParamsJson(c.params, c.raw_params);
  j["input"] = PairsJson(c.input);
  if (c.mode == harness::Mode::kMap)
    j["delivery"] = c.delivery == judge::Delivery::kPipeline ? "pipeline" : "lockstep";
  if (c.policy != judge::Policy::kStrict)
    j["policy"] = c.policy == judge::Policy::kNonStrict ? "non-strict" : "informational";
  const judge::Expectation& e = c.expect;
  Json expect = Json::object();
  if (e.output) expect["output"] = PairsJson(*e.output);
  if (e.output_file) expect["output_file"] = std::filesystem::absolute(*e.output_file).string();
  if (e.output || e.output_file) expect["order"] = e.multiset ? "multiset" : "exact";
  if (!e.log_patterns.empty()) expect["logs"] = e.log_patterns;
  if (e.exit_code != 0) expect["exit"] = e.exit_code;
  if (!expect.empty()) j["expect"] = expect;
  Json doc = {{"cases", Json::array({j})}};
  return doc.dump(1) + "\n";
}

absl::Status CheckFailureDir(const std::string& dir, const char* option) {
  std::error_code ec;
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (ec) return absl::InvalidArgumentError(absl::StrCat(option, " ", dir, ": ", ec.message()));
  // The nearest part of the path that exists: the directory itself, or where it would be made.
  while (!fs::exists(fs::symlink_status(p, ec)) && p.has_relative_path()) p = p.parent_path();
  if (!fs::is_directory(p, ec))
    return absl::InvalidArgumentError(
        absl::StrCat(option, " ", dir, ": ", p.string(), " exists and is not a directory"));
  if (::access(p.c_str(), W_OK | X_OK) != 0)
    return absl::InvalidArgumentError(
        absl::StrCat(option, " ", dir, ": directory ", p.string(), " is not writable"));
  return absl::OkStatus();
}

absl::StatusOr<std::string> WriteFailure(const std::string& dir, const std::string& check,
                                         const std::string& rule, judge::Case c,
                                         const progfuzz::RawExchange& raw) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return absl::UnavailableError(absl::StrCat(dir, ": cannot create: ", ec.message()));
  const std::string stem = Stem(check, rule);
  std::string base;
  for (int n = 1;; ++n) {
    base = (fs::path(dir) / absl::StrCat(stem, "-", n)).string();
    bool taken = false;
    for (const char* ext : {".json", ".stdin", ".stdout", ".stderr"})
      taken |= fs::exists(fs::symlink_status(base + ext, ec));
    if (!taken) break;
  }
  c.id = fs::path(base).filename().string();
  // The raw bytes first: a .json is only there once its exchange is complete.
  for (const auto& [ext, bytes] : {std::pair<const char*, const std::string*>{".stdin", &raw.stdin_bytes},
                                   {".stdout", &raw.stdout_bytes},
                                   {".stderr", &raw.stderr_bytes}})
    if (auto s = WriteFileAtomically(base + ext, *bytes); !s.ok()) return s;
  if (auto s = WriteFileAtomically(base + ".json", ScriptOf(c)); !s.ok()) return s;
  return base + ".json";
}

}  // namespace dxt::tools
