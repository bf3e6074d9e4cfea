// The core set and the script reader. The core cases are chosen so that each R10 check has a case
// in which a program breaking its rule must show it: several pairs (consumption, two lists),
// binary bytes, a value larger than a pipe buffer, megabytes of reduce input (a reduce that quits
// early meets EPIPE), tricky parameter dictionaries, and the params probe below.
#include "harness/case.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "codec/kv_frame.h"
#include "tools/jsonl.h"

namespace dxt::harness {
namespace {

using tools::Json;

// The params probe (R2.1): with the empty block "0\n", a program that does not read the block
// takes bytes 30 0A 00 00 (the block and half of pair 0's key length) as a key length of 2608.
// Pair 0 is shaped so that its last 4 value bytes are then read as a value length covering pair
// 1 exactly: such a program sees 3 pairs where 4 were sent and writes 3 lists; a conforming one
// writes 4. Buffering cannot change that count (the case is pipelined).
Case ParamsProbe() {
  Case c;
  c.id = "core.params.2";
  c.title = "map: a program that skips the parameter block would read pairs 0 and 1 as one";
  c.rules = {"R2.1", "R2.2", "R2.3"};
  c.mode = Mode::kMap;
  c.delivery = Delivery::kPipeline;
  c.params_probe = true;
  c.fixed_params = true;
  OwnedPair p1{"probe-key", "probe-value"};
  const uint32_t kSkipperKeyLength = 0x0A30;  // "0\n" 00 00, little-endian
  std::string value(kSkipperKeyLength - 2, 'p');  // V = K - |"0\n"|
  std::string tail;
  codec::AppendU32(&tail, static_cast<uint32_t>(codec::PairFrameSize(p1.first, p1.second)));
  value.replace(value.size() - 4, 4, tail);
  c.input = {{"", value}, p1, {"k2", "v2"}, {"k3", "v3"}};
  return c;
}

Case Make(std::string id, std::string title, std::vector<std::string> rules, Mode mode,
          std::vector<OwnedPair> input) {
  Case c;
  c.id = std::move(id);
  c.title = std::move(title);
  c.rules = std::move(rules);
  c.mode = mode;
  c.input = std::move(input);
  return c;
}

std::vector<OwnedPair> Numbered(int n, size_t value_size) {
  std::vector<OwnedPair> out;
  for (int i = 0; i < n; ++i)
    out.emplace_back(absl::StrCat("key", i), std::string(value_size, static_cast<char>('a' + i % 26)));
  return out;
}

const std::vector<OwnedPair>& BinaryPairs() {
  static const auto* pairs = new std::vector<OwnedPair>{
      {std::string("\0k\xff", 3), std::string("v\0\n\xfe", 4)},
      {"", ""},
      {std::string(1, '\n'), std::string("  leading space")},
  };
  return *pairs;
}

const codec::ParamDict& TrickyParams() {
  static const auto* dict = new codec::ParamDict{
      {"test1", "1,2,3"},
      {"one two three", "dim\ndam\n"},
      {"dummy", "value"},
      {std::string("nul\0key", 7), std::string("\xff\xfe", 2)},
      {"empty", ""},
  };
  return *dict;
}

}  // namespace

std::string ParamBlockOf(const Case& c) {
  return c.raw_params ? codec::EncodeParamRaw(*c.raw_params) : codec::EncodeParamDict(c.params);
}

std::vector<Case> CoreCases() {
  std::vector<Case> cases;
  const Mode kMap = Mode::kMap, kReduce = Mode::kReduce;
  cases.push_back(Make("core.map.1", "map: three pairs, one list each, in lockstep",
                       {"R2.2", "R5.1", "R5.2", "R5.3", "R5.4", "R7.1", "R8.1"}, kMap,
                       {{"alpha", "one"}, {"", "a plain line"}, {"gamma", "three"}}));
  cases.push_back(Make("core.map.2", "map: binary-safe keys and values (NUL, 0xFF, empty)",
                       {"R3.1", "R5.1", "R5.5"}, kMap, BinaryPairs()));
  cases.push_back(Make("core.map.3", "map: a 256 KiB value, larger than a pipe buffer",
                       {"R3.1", "R5.1", "R6.2"}, kMap,
                       {{"big", std::string(256 * 1024, 'b')}, {"small", "s"}}));
  cases.push_back(Make("core.map.4", "map: 40 pairs in lockstep", {"R5.1", "R5.2"}, kMap,
                       Numbered(40, 10)));
  cases.push_back(Make("core.map.5", "map: no input pairs; stdin closes at once",
                       {"R5.4", "R8.1"}, kMap, {}));
  Case params1 = Make("core.params.1",
                      "map: dictionary parameters with spaces, newlines, NUL, 0xFF, empty values",
                      {"R2.1", "R2.3"}, kMap, Numbered(4, 8));
  params1.params = TrickyParams();
  params1.delivery = Delivery::kPipeline;
  params1.params_probe = true;
  cases.push_back(params1);
  cases.push_back(ParamsProbe());
  cases.push_back(Make("core.reduce.1", "reduce: three pairs, stdin closed, read to end",
                       {"R2.2", "R6.1", "R6.2", "R6.3", "R7.1", "R8.1"}, kReduce,
                       {{"alpha", "one"}, {"beta", "two"}, {"alpha", "three"}}));
  cases.push_back(Make("core.reduce.2", "reduce: 4 MiB of input (64 pairs of 64 KiB)",
                       {"R6.1", "R6.2"}, kReduce, Numbered(64, 64 * 1024)));
  cases.push_back(Make("core.reduce.3", "reduce: binary-safe keys and values",
                       {"R3.1", "R6.1"}, kReduce, BinaryPairs()));
  cases.push_back(Make("core.reduce.4", "reduce: no input pairs", {"R6.1", "R8.1"}, kReduce, {}));
  Case params2 = Make("core.reduce.5", "reduce: dictionary parameters with tricky bytes",
                      {"R2.1", "R2.3", "R6.1"}, kReduce, Numbered(3, 8));
  params2.params = TrickyParams();
  cases.push_back(params2);
  return cases;
}

namespace {

class ScriptReader {
 public:
  explicit ScriptReader(std::string_view source) : source_(source) {}

  absl::Status Error(const std::string& where, const std::string& what) const {
    return absl::InvalidArgumentError(absl::StrCat(source_, ": ", where, ": ", what));
  }

  absl::StatusOr<std::string> Bytes(const Json& v, const std::string& where) const {
    auto b = tools::JsonToBytes(v);
    if (!b.ok()) return Error(where, std::string(b.status().message()));
    return *b;
  }

  absl::StatusOr<OwnedPair> Pair(const Json& v, const std::string& where) const {
    if (!v.is_object()) {  // a plain line: empty key (R5.5)
      auto value = Bytes(v, where);
      if (!value.ok()) return value.status();
      return OwnedPair{"", *value};
    }
    for (const char* field : {"key", "value"})
      if (!v.contains(field)) return Error(where, absl::StrCat("missing \"", field, "\""));
    auto k = Bytes(v["key"], where + ".key");
    if (!k.ok()) return k.status();
    auto val = Bytes(v["value"], where + ".value");
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

  absl::Status Expect(const Json& v, const std::string& where, Expectation* e) const {
    if (!v.is_object()) return Error(where, "expected an object");
    if (v.contains("output")) {
      auto out = Pairs(v["output"], where + ".output");
      if (!out.ok()) return out.status();
      e->output = *out;
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
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!j.is_discarded()) return j;
  // Parse again with exceptions only to get the parser's position for the message.
  try {
    Json ignored = Json::parse(text.begin(), text.end());
    (void)ignored;
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(source, ": invalid JSON: ", e.what()));
  }
  return absl::InvalidArgumentError(absl::StrCat(source, ": invalid JSON"));
}

}  // namespace

absl::StatusOr<std::vector<Case>> ParseScript(std::string_view json_text, std::string_view source) {
  auto j = ParseJson(json_text, std::string(source));
  if (!j.ok()) return j.status();
  ScriptReader reader(source);
  if (!j->is_object() || !j->contains("cases") || !(*j)["cases"].is_array())
    return reader.Error("top level", "expected {\"cases\": [...]}");
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

}  // namespace dxt::harness
