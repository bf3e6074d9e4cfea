// The script reader (and the parameter-block helpers every case uses).
#include "judge/case.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/jsonl.h"
#include "codec/kv_frame.h"
#include "codec/strict_json.h"

namespace dxt::judge {

using codec::Json;

namespace {
bool IsNonAsciiText(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }) &&
         codec::IsValidUtf8(s);
}
}  // namespace

bool HasNonAsciiText(const Case& c) {
  auto pair_has = [](const auto& p) { return IsNonAsciiText(p.first) || IsNonAsciiText(p.second); };
  return (c.raw_params && IsNonAsciiText(*c.raw_params)) ||
         std::any_of(c.params.begin(), c.params.end(), pair_has) ||
         std::any_of(c.input.begin(), c.input.end(), pair_has);
}

std::string ParamBlockOf(const Case& c) {
  return c.raw_params ? codec::EncodeParamRaw(*c.raw_params) : codec::EncodeParamDict(c.params);
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = above;
    }
  }
  return row[b.size()];
}

class ScriptReader {
 public:
  explicit ScriptReader(std::string_view source) : source_(source) {}

  // A key of `v` that is none of `known` is a mistake the script's author must hear about
  // (`"expected"` for `"expect"` would otherwise pass vacuously): names the path and the nearest
  // known field.
  absl::Status KnownFields(const Json& v, const std::string& where,
                           std::initializer_list<const char*> known) const {
    for (const auto& item : v.items()) {
      const std::string& key = item.key();  // not a structured binding: clang 14 cannot capture one
      if (std::any_of(known.begin(), known.end(), [&](const char* k) { return key == k; }))
        continue;
      const char* nearest = *known.begin();
      for (const char* k : known)
        if (EditDistance(key, k) < EditDistance(key, nearest)) nearest = k;
      std::string hint = EditDistance(key, nearest) <= std::max<size_t>(2, key.size() / 3)
                             ? absl::StrCat("did you mean \"", nearest, "\"?")
                             : absl::StrCat("expected one of ", absl::StrJoin(known, ", "));
      return Error(Field(where, key.c_str()), absl::StrCat("unknown field; ", hint));
    }
    return absl::OkStatus();
  }

  // "<source>: <where>: <what>", each prefix left out when empty.
  absl::Status Error(const std::string& where, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(source_.empty() ? "" : source_ + ": ",
                                                   where.empty() ? "" : where + ": ", what));
  }

  static std::string Field(const std::string& where, const char* field) {
    return where.empty() ? field : absl::StrCat(where, ".", field);
  }

  absl::StatusOr<std::string> Bytes(const Json& v, const std::string& where) const {
    auto b = codec::JsonToBytes(v);
    if (!b.ok()) return Error(where, std::string(b.status().message()));
    return *b;
  }

  absl::StatusOr<OwnedPair> Pair(const Json& v, const std::string& where) const {
    // A plain line: a string or {"base64": ...}, an empty key (R5.5).
    if (!v.is_object() || (v.size() == 1 && v.contains("base64"))) {
      auto value = Bytes(v, where);
      if (!value.ok()) return value.status();
      return OwnedPair{"", *value};
    }
    for (const char* field : {"key", "value"})
      if (!v.contains(field)) return Error(where, absl::StrCat("missing \"", field, "\""));
    if (absl::Status s = KnownFields(v, where, {"key", "value"}); !s.ok()) return s;
    auto k = Bytes(v["key"], Field(where, "key"));
    if (!k.ok()) return k.status();
    auto val = Bytes(v["value"], Field(where, "value"));
    if (!val.ok()) return val.status();
    return OwnedPair{*k, *val};
  }

  absl::StatusOr<std::vector<OwnedPair>> Pairs(const Json& v, const std::string& where) const {
    if (!v.is_array()) return Error(where, "expected an array of pairs");
    std::vector<OwnedPair> out;
    for (size_t i = 0; i < v.size(); ++i) {
      auto p = Pair(v[i], absl::StrCat(where, "[", i, "]"));
      if (!p.ok()) return p.status();
      out.push_back(std::move(*p));
    }
    return out;
  }

  absl::StatusOr<codec::ParamDict> Dict(const Json& v, const std::string& where) const {
    if (!v.is_object()) return Error(where, "expected an object of string parameters");
    codec::ParamDict out;
    for (const auto& [k, val] : v.items()) {
      auto b = Bytes(val, absl::StrCat(where, ".", k));
      if (!b.ok()) return b.status();
      out.emplace_back(k, *b);
    }
    return out;
  }

  absl::Status Params(const Json& v, const std::string& where, Case* c) const {
    if (v.is_object() && v.size() == 1 && v.contains("raw")) {
      auto raw = Bytes(v["raw"], where + ".raw");
      if (!raw.ok()) return raw.status();
      c->raw_params = *raw;
      return absl::OkStatus();
    }
    if (v.is_array()) {  // [{"key": BYTES, "value": BYTES}, ...]: any key bytes, in order
      auto entries = Pairs(v, where);
      if (!entries.ok()) return entries.status();
      c->params.assign(entries->begin(), entries->end());
      return absl::OkStatus();
    }
    auto d = Dict(v, where);
    if (!d.ok()) return d.status();
    c->params = *d;
    return absl::OkStatus();
  }

  // "output_file": a path relative to the script's folder; it must be there now (a case must not
  // fail later for a typo), and it excludes "output".
  absl::Status OutputFile(const Json& v, const std::string& where, Expectation* e) const {
    const std::string at = where + ".output_file";
    if (!v["output_file"].is_string() || v["output_file"].get<std::string>().empty())
      return Error(at, "expected a file name");
    if (v.contains("output")) return Error(at, "give \"output\" or \"output_file\", not both");
    std::filesystem::path path = v["output_file"].get<std::string>();
    if (path.is_relative()) path = std::filesystem::path(source_).parent_path() / path;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
      return Error(at, absl::StrCat(path.string(), ": no such regular file"));
    e->output_file = path.string();
    return absl::OkStatus();
  }

  absl::Status Expect(const Json& v, const std::string& where, Expectation* e) const {
    if (!v.is_object()) return Error(where, "expected an object");
    if (absl::Status s = KnownFields(v, where, {"output", "output_file", "order", "logs", "exit"});
        !s.ok())
      return s;
    if (v.contains("output")) {
      auto out = Pairs(v["output"], where + ".output");
      if (!out.ok()) return out.status();
      e->output = *out;
    }
    if (v.contains("output_file")) {
      if (absl::Status s = OutputFile(v, where, e); !s.ok()) return s;
    }
    if (v.contains("order")) {
      std::string order = v["order"].is_string() ? v["order"].get<std::string>() : "";
      if (order != "exact" && order != "multiset")
        return Error(where + ".order", "expected \"exact\" or \"multiset\"");
      e->multiset = order == "multiset";
    }
    if (v.contains("logs")) {
      if (!v["logs"].is_array()) return Error(where + ".logs", "expected an array of regexes");
      for (size_t i = 0; i < v["logs"].size(); ++i) {
        if (!v["logs"][i].is_string())
          return Error(absl::StrCat(where, ".logs[", i, "]"), "expected a string");
        e->log_patterns.push_back(v["logs"][i].get<std::string>());
      }
    }
    if (v.contains("exit")) {
      if (!v["exit"].is_number_integer()) return Error(where + ".exit", "expected an integer");
      e->exit_code = v["exit"].get<int>();
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Case> OneCase(const Json& v, size_t index) const {
    std::string where = absl::StrCat("cases[", index, "]");
    if (!v.is_object()) return Error(where, "expected an object");
    if (absl::Status s = KnownFields(v, where,
                                     {"id", "title", "mode", "rules", "params", "input", "delivery",
                                      "policy", "expect"});
        !s.ok())
      return s;
    Case c;
    if (!v.contains("id") || !v["id"].is_string() || v["id"].get<std::string>().empty())
      return Error(where + ".id", "required non-empty string");
    c.id = v["id"].get<std::string>();
    where = absl::StrCat(where, " (id \"", c.id, "\")");
    if (v.contains("title")) {
      if (!v["title"].is_string()) return Error(where + ".title", "expected a string");
      c.title = v["title"].get<std::string>();
    }
    std::string mode = v.contains("mode") && v["mode"].is_string() ? v["mode"].get<std::string>() : "";
    if (mode != "map" && mode != "reduce")
      return Error(where + ".mode", "required: \"map\" or \"reduce\"");
    c.mode = mode == "map" ? Mode::kMap : Mode::kReduce;
    if (v.contains("rules")) {
      if (!v["rules"].is_array()) return Error(where + ".rules", "expected an array of strings");
      for (const auto& r : v["rules"]) {
        if (!r.is_string()) return Error(where + ".rules", "expected an array of strings");
        c.rules.push_back(r.get<std::string>());
      }
    }
    if (v.contains("params")) {
      if (absl::Status s = Params(v["params"], where + ".params", &c); !s.ok()) return s;
    }
    if (v.contains("input")) {
      auto in = Pairs(v["input"], where + ".input");
      if (!in.ok()) return in.status();
      c.input = *in;
    }
    if (v.contains("delivery")) {
      std::string d = v["delivery"].is_string() ? v["delivery"].get<std::string>() : "";
      if (d != "lockstep" && d != "pipeline")
        return Error(where + ".delivery", "expected \"lockstep\" or \"pipeline\"");
      c.delivery = d == "pipeline" ? Delivery::kPipeline : Delivery::kLockstep;
    }
    if (v.contains("policy")) {
      static const std::map<std::string, Policy> kPolicies = {
          {"strict", Policy::kStrict},
          {"non-strict", Policy::kNonStrict},
          {"informational", Policy::kInformational}};
      std::string p = v["policy"].is_string() ? v["policy"].get<std::string>() : "";
      auto it = kPolicies.find(p);
      if (it == kPolicies.end())
        return Error(where + ".policy", "expected \"strict\", \"non-strict\" or \"informational\"");
      c.policy = it->second;
    }
    if (v.contains("expect")) {
      if (absl::Status s = Expect(v["expect"], where + ".expect", &c.expect); !s.ok()) return s;
    }
    return c;
  }

 private:
  std::string source_;
};

absl::StatusOr<Json> ParseJson(std::string_view text, const std::string& source) {
  return codec::ParseStrictJson(text, source);
}

}  // namespace

absl::StatusOr<std::vector<Case>> ParseScript(std::string_view json_text, std::string_view source) {
  auto j = ParseJson(json_text, std::string(source));
  if (!j.ok()) return j.status();
  ScriptReader reader(source);
  if (!j->is_object() || !j->contains("cases") || !(*j)["cases"].is_array())
    return reader.Error("top level", "expected {\"cases\": [...]}");
  if (absl::Status s = reader.KnownFields(*j, "top level", {"cases"}); !s.ok()) return s;
  std::vector<Case> cases;
  std::set<std::string> ids;
  const Json& arr = (*j)["cases"];
  for (size_t i = 0; i < arr.size(); ++i) {
    auto c = reader.OneCase(arr[i], i);
    if (!c.ok()) return c.status();
    if (!ids.insert(c->id).second)
      return reader.Error(absl::StrCat("cases[", i, "].id"), absl::StrCat("duplicate id \"", c->id, "\""));
    cases.push_back(std::move(*c));
  }
  if (cases.empty()) return reader.Error("cases", "no case");
  return cases;
}

absl::StatusOr<Case> ParseConversation(std::string_view json_text, std::string_view source) {
  auto j = ParseJson(json_text, std::string(source));
  if (!j.ok()) return j.status();
  ScriptReader reader(source);
  if (!j->is_object()) return reader.Error("top level", "expected {\"params\": ..., \"input\": [...]}");
  if (absl::Status s = reader.KnownFields(*j, "top level", {"params", "input"}); !s.ok()) return s;
  Case c;
  c.id = "stream";
  if (j->contains("params"))
    if (absl::Status s = reader.Params((*j)["params"], "params", &c); !s.ok()) return s;
  if (j->contains("input")) {
    auto in = reader.Pairs((*j)["input"], "input");
    if (!in.ok()) return in.status();
    c.input = std::move(*in);
  }
  return c;
}

absl::StatusOr<OwnedPair> ParseInputPair(const codec::Json& item, std::string_view where) {
  return ScriptReader("").Pair(item, std::string(where));
}

absl::StatusOr<codec::ParamDict> ParseParamsFile(std::string_view json_text,
                                                  std::string_view source) {
  auto j = ParseJson(json_text, std::string(source));
  if (!j.ok()) return j.status();
  return ScriptReader(source).Dict(*j, "top level");
}

void MergeParams(const codec::ParamDict& extra, std::vector<Case>* cases) {
  for (Case& c : *cases) {
    if (c.fixed_params || c.raw_params) continue;
    for (const auto& entry : extra) {
      auto it = std::find_if(c.params.begin(), c.params.end(),
                             [&](const auto& kv) { return kv.first == entry.first; });
      if (it != c.params.end()) {
        it->second = entry.second;
      } else {
        c.params.push_back(entry);
      }
    }
  }
}

}  // namespace dxt::judge
