// `dxt encode` / `dxt decode`: JSON lines <-> wire bytes, with the byte-string convention of
// codec/jsonl.h. Formats: pairs (R3.1), lists (R4.1), params (R2.1; --disco-c shows how the
// original C library would read the block, R2.5).
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/disco_c_params.h"
#include "codec/jsonl.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "codec/stream_decoder.h"
#include "tools/atomic_file.h"
#include "tools/command_registry.h"

namespace dxt::tools {
namespace {

using codec::BytesToJson;
using codec::IsValidUtf8;
using codec::Json;
using codec::JsonLine;
using codec::JsonToBytes;
using codec::JsonToPair;
using codec::PairToJson;
using codec::ParseJsonLine;

struct CodecOptions {
  std::string format = "pairs";
  std::string input = "-";
  std::string output = "-";
  bool disco_c = false;
};

std::string InputName(const CodecOptions& o) { return o.input == "-" ? "<stdin>" : o.input; }

absl::StatusOr<std::string> ReadInput(const std::string& path) {
  std::ostringstream all;
  if (path == "-") {
    all << std::cin.rdbuf();
    return all.str();
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open for reading"));
  all << in.rdbuf();
  return all.str();
}

absl::Status WriteOutput(const std::string& path, std::string_view data) {
  if (path != "-") return WriteFileAtomically(path, data);
  std::cout.write(data.data(), static_cast<std::streamsize>(data.size()));
  std::cout.flush();
  if (!std::cout) return absl::UnavailableError("cannot write to stdout");
  return absl::OkStatus();
}

// --- encode ---

absl::Status EncodeLine(const Json& line, const std::string& format, std::string* out) {
  if (format == "pairs") {
    absl::StatusOr<std::pair<std::string, std::string>> pair = JsonToPair(line);
    if (!pair.ok()) return pair.status();
    return codec::AppendPair(out, pair->first, pair->second);
  }
  if (!line.is_object() || line.size() != 1 || !line.contains("list") || !line["list"].is_array()) {
    return absl::InvalidArgumentError("expected {\"list\": [{\"key\": ..., \"value\": ...}, ...]}");
  }
  std::vector<std::pair<std::string, std::string>> owned;
  for (size_t i = 0; i < line["list"].size(); ++i) {
    absl::StatusOr<std::pair<std::string, std::string>> pair = JsonToPair(line["list"][i]);
    if (!pair.ok())
      return absl::InvalidArgumentError(
          absl::StrCat("list item ", i, ": ", pair.status().message()));
    owned.push_back(*std::move(pair));
  }
  std::vector<codec::PairView> views;
  for (const auto& [k, v] : owned) views.push_back({k, v});
  return codec::AppendResultList(out, views);
}

// The params document: {"raw": BYTES}, {"dict": [pair, ...]}, {"dict": {...}} or {...}.
absl::StatusOr<std::string> EncodeParams(const Json& doc) {
  if (!doc.is_object()) return absl::InvalidArgumentError("expected a JSON object");
  if (doc.size() == 1 && doc.contains("raw")) {
    absl::StatusOr<std::string> raw = JsonToBytes(doc["raw"]);
    if (!raw.ok()) return absl::InvalidArgumentError(absl::StrCat("raw: ", raw.status().message()));
    return codec::EncodeParamRaw(*raw);
  }
  codec::ParamDict dict;
  if (doc.size() == 1 && doc.contains("dict") && doc["dict"].is_array()) {
    for (size_t i = 0; i < doc["dict"].size(); ++i) {
      absl::StatusOr<std::pair<std::string, std::string>> pair = JsonToPair(doc["dict"][i]);
      if (!pair.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("dict item ", i, ": ", pair.status().message()));
      }
      dict.push_back(*std::move(pair));
    }
    return codec::EncodeParamDict(dict);
  }
  const Json& obj =
      doc.size() == 1 && doc.contains("dict") && doc["dict"].is_object() ? doc["dict"] : doc;
  for (const auto& [key, value] : obj.items()) {
    absl::StatusOr<std::string> bytes = JsonToBytes(value);
    if (!bytes.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("\"", key, "\": ", bytes.status().message()));
    }
    dict.emplace_back(key, *std::move(bytes));
  }
  return codec::EncodeParamDict(dict);
}

int RunEncode(const CodecOptions& o) {
  absl::StatusOr<std::string> input = ReadInput(o.input);
  if (!input.ok()) {
    std::cerr << "dxt encode: " << input.status().message() << "\n";
    return kExitUsage;
  }
  auto fail = [&](size_t line, const absl::Status& s) {
    std::cerr << "dxt encode: " << InputName(o) << ": line " << line << ": " << s.message() << "\n";
    return kExitFailed;
  };
  std::string out;
  if (o.format == "params") {
    absl::StatusOr<Json> doc = ParseJsonLine(*input);
    if (!doc.ok()) return fail(1, doc.status());
    absl::StatusOr<std::string> block = EncodeParams(*doc);
    if (!block.ok()) return fail(1, block.status());
    out = *std::move(block);
  } else {
    std::istringstream lines(*input);
    std::string line;
    for (size_t n = 1; std::getline(lines, line); ++n) {
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      absl::StatusOr<Json> value = ParseJsonLine(line);
      if (!value.ok()) return fail(n, value.status());
      if (absl::Status s = EncodeLine(*value, o.format, &out); !s.ok()) return fail(n, s);
    }
  }
  if (absl::Status s = WriteOutput(o.output, out); !s.ok()) {
    std::cerr << "dxt encode: " << s.message() << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

// --- decode ---

Json PairsToJson(const std::vector<std::pair<std::string, std::string>>& pairs) {
  Json list = Json::array();
  for (const auto& [k, v] : pairs) list.push_back(PairToJson(k, v));
  return list;
}

// A plain object when that is unambiguous, else {"dict": [pair, ...]} (see codec/README.md).
Json ParamDictToJson(const std::vector<std::pair<std::string, std::string>>& dict) {
  std::set<std::string> seen;
  bool plain = !(dict.size() == 1 && (dict[0].first == "raw" || dict[0].first == "dict"));
  for (const auto& [k, v] : dict) plain = plain && IsValidUtf8(k) && seen.insert(k).second;
  if (!plain) return Json{{"dict", PairsToJson(dict)}};
  Json obj = Json::object();
  for (const auto& [k, v] : dict) obj[k] = BytesToJson(v);
  return obj;
}

int DecodeParams(const CodecOptions& o, const std::string& input, std::string* out) {
  if (o.disco_c) {
    codec::DiscoCParamsReading r = codec::ReadParamsLikeDiscoC(input);
    Json doc = Json::object();
    switch (r.outcome) {
      case codec::DiscoCParamsReading::Outcome::kOk:
        doc["outcome"] = "ok";
        break;
      case codec::DiscoCParamsReading::Outcome::kDied:
        doc["outcome"] = "died: " + r.die_message;
        break;
      case codec::DiscoCParamsReading::Outcome::kStarved:
        doc["outcome"] = "starved";
        break;
    }
    doc["consumed"] = r.consumed;
    doc["dict"] = PairsToJson(r.dict);
    *out = JsonLine(doc);
    return kExitOk;
  }
  auto fail = [&](size_t offset, std::string_view why) {
    std::cerr << "dxt decode: " << InputName(o) << ": offset " << offset << ": " << why << "\n";
    return kExitFailed;
  };
  codec::Decoded<std::string_view> block = codec::DecodeParamBlock(input);
  if (block.invalid()) return fail(block.error_offset, block.reason);
  if (block.incomplete()) return fail(input.size(), "input ends inside the parameter block (R3.3)");
  if (block.consumed != input.size()) {
    return fail(block.consumed,
                absl::StrCat(input.size() - block.consumed, " bytes follow the parameter block"));
  }
  codec::Decoded<std::vector<codec::PairView>> dict = codec::ParseParamDict(block.value);
  if (!dict.ok()) {
    *out = JsonLine(Json{{"raw", BytesToJson(block.value)}});
    return kExitOk;
  }
  std::vector<std::pair<std::string, std::string>> owned;
  for (const codec::PairView& p : dict.value) owned.emplace_back(p.key, p.value);
  *out = JsonLine(ParamDictToJson(owned));
  return kExitOk;
}

int DecodeFrames(const CodecOptions& o, const std::string& input, std::string* out) {
  const bool lists = o.format == "lists";
  codec::StreamDecoder decoder(lists ? codec::StreamGrammar::kResultLists
                                     : codec::StreamGrammar::kPairs);
  std::vector<std::pair<std::string, std::string>> current;
  auto sink = [&](const codec::StreamEvent& e) {
    if (e.type == codec::StreamEvent::Type::kPair) {
      if (lists) {
        current.emplace_back(e.pair.key, e.pair.value);
      } else {
        *out += JsonLine(PairToJson(e.pair.key, e.pair.value));
      }
    } else if (e.type == codec::StreamEvent::Type::kListEnd) {
      *out += JsonLine(Json{{"list", PairsToJson(current)}});
      current.clear();
    }
  };
  absl::Status status = decoder.Feed(input, sink);
  if (status.ok()) status = decoder.Finish();
  if (status.ok()) return kExitOk;
  std::cerr << "dxt decode: " << InputName(o) << ": " << status.message() << "\n";
  return kExitFailed;
}

int RunDecode(const CodecOptions& o) {
  if (o.disco_c && o.format != "params") {
    std::cerr << "dxt decode: --disco-c needs --format params\n";
    return kExitUsage;
  }
  absl::StatusOr<std::string> input = ReadInput(o.input);
  if (!input.ok()) {
    std::cerr << "dxt decode: " << input.status().message() << "\n";
    return kExitUsage;
  }
  std::string out;
  const int code =
      o.format == "params" ? DecodeParams(o, *input, &out) : DecodeFrames(o, *input, &out);
  // What was decoded before an error is still written.
  if (absl::Status s = WriteOutput(o.output, out); !s.ok()) {
    std::cerr << "dxt decode: " << s.message() << "\n";
    return kExitUsage;
  }
  return code;
}

void AddCommonOptions(CLI::App& sub, CodecOptions* o) {
  sub.add_option("--format", o->format, "pairs (default), lists or params")
      ->check(CLI::IsMember({"pairs", "lists", "params"}));
  sub.add_option("-i,--input", o->input, "input file (default: stdin)");
  sub.add_option("-o,--output", o->output, "output file, replaced atomically (default: stdout)");
}

const CommandRegistrar kEncode({"encode", "JSON lines -> wire bytes (pairs, lists, params)", 50,
                                [](CLI::App& sub) -> std::function<int()> {
                                  auto o = std::make_shared<CodecOptions>();
                                  AddCommonOptions(sub, o.get());
                                  return [o] { return RunEncode(*o); };
                                }});

const CommandRegistrar kDecode({"decode", "wire bytes -> JSON lines (pairs, lists, params)", 51,
                                [](CLI::App& sub) -> std::function<int()> {
                                  auto o = std::make_shared<CodecOptions>();
                                  AddCommonOptions(sub, o.get());
                                  sub.add_flag("--disco-c", o->disco_c,
                                               "params: read the block like the original C "
                                               "library (R2.5), misreadings included");
                                  return [o] { return RunDecode(*o); };
                                }});

}  // namespace
}  // namespace dxt::tools
