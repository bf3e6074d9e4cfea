// Job file parsing. Every field is checked; unknown fields are errors because a typo must never
// silently change what a job computes.
#include "reference/executor/job.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/param_block.h"
#include "codec/strict_json.h"
#include "nlohmann/json.hpp"
#include "reference/executor/absl_compat.h"
#include "reference/executor/output.h"

namespace dxt::executor {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

const std::set<std::string>& KnownFields() {
  static const std::set<std::string> kFields = {
      "name",    "input", "map",      "map_reader", "partitions", "partition", "combiner",
      "sort",    "sort_buffer_size",  "reduce",     "ext_params", "status_interval",
      "output",  "output_format", "comment"};
  return kFields;
}

constexpr uint32_t kMaxPartitions = 100000;
constexpr char kBundledPrefix[] = "@dxt/";

class Parser {
 public:
  Parser(std::string origin, std::string base_dir)
      : origin_(std::move(origin)), base_dir_(std::move(base_dir)) {}

  absl::StatusOr<JobSpec> Parse(const Json& j);

 private:
  absl::Status Err(absl::string_view field, absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat(origin_, ": field \"", field, "\": ", why));
  }
  std::string Resolve(const std::string& path) const {
    fs::path p(path);
    return (p.is_absolute() ? p : fs::path(base_dir_) / p).lexically_normal().string();
  }
  absl::Status RequireRegularFile(const std::string& path, const std::string& field) const;
  absl::Status ParseInputs(const Json& j, JobSpec* job);
  absl::Status ParseStage(const Json& j, const std::string& field, Stage* stage);
  absl::Status ParseProgram(const Json& j, const std::string& field, Stage* stage);
  absl::Status ParsePartitioning(const Json& j, JobSpec* job);
  absl::Status ParseExtParams(const Json& j, JobSpec* job);

  std::string origin_;
  std::string base_dir_;
};

// NotFound when nothing is at `path`; InvalidArgument naming the kind when it is not a regular
// file (a FIFO would block or be read once, a device never ends).
absl::Status Parser::RequireRegularFile(const std::string& path, const std::string& field) const {
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_regular_file(st)) return absl::OkStatus();
  if (!fs::exists(st)) {
    return absl::NotFoundError(absl::StrCat(origin_, ": field \"", field, "\": no such file: ", path,
                                            ec ? absl::StrCat(" (", ec.message(), ")") : ""));
  }
  const char* kind = fs::is_fifo(st)               ? "a FIFO"
                     : fs::is_character_file(st)   ? "a character device"
                     : fs::is_block_file(st)       ? "a block device"
                     : fs::is_socket(st)           ? "a socket"
                                                   : "not a regular file";
  return Err(field, absl::StrCat(path, " is ", kind, "; inputs must be regular files"));
}

absl::Status Parser::ParseInputs(const Json& j, JobSpec* job) {
  if (!j.contains("input")) return Err("input", "missing (a list; it may be empty)");
  const Json& in = j["input"];
  if (!in.is_array()) return Err("input", "must be a list of paths or raw:// entries");
  for (size_t i = 0; i < in.size(); ++i) {
    const std::string field = absl::StrCat("input[", i, "]");
    if (!in[i].is_string()) return Err(field, "must be a string");
    const std::string spec = in[i].get<std::string>();
    if (spec.rfind("raw://", 0) == 0) {
      if (job->reader == Reader::kChain) return Err(field, "map_reader \"chain\" needs job output directories");
      job->inputs.push_back({JobInput::Kind::kRaw, spec, "", spec.substr(6), false, std::nullopt});
      continue;
    }
    const std::string path = Resolve(spec);
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      absl::StatusOr<OutputIndex> index = ReadOutputIndex(path);
      if (!index.ok()) {
        return Err(field, absl::StrCat(path, " is a directory but not a dxt job output: ", index.status().message()));
      }
      for (const OutputFile& f : index->files) {
        job->inputs.push_back({JobInput::Kind::kJobOutput, absl::StrCat(spec, "/", f.file),
                               (fs::path(path) / f.file).string(), "", index->disco_parts,
                               FramedFileDigest{f.pairs, f.bytes, f.sha256}});
      }
      continue;
    }
    if (absl::Status s = RequireRegularFile(path, field); !s.ok()) return s;
    if (job->reader == Reader::kChain) {
      return Err(field, absl::StrCat("map_reader \"chain\" needs a job output directory, ", path, " is a file"));
    }
    job->inputs.push_back({JobInput::Kind::kFile, spec, path, "", false, std::nullopt});
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseProgram(const Json& j, const std::string& field, Stage* stage) {
  for (const auto& [key, value] : j.items()) {
    if (key != "program" && key != "files" && key != "args") {
      return Err(absl::StrCat(field, ".", key), "unknown field (known: program, files, args)");
    }
  }
  if (!j.contains("program") || !j["program"].is_string() || j["program"].get<std::string>().empty()) {
    return Err(absl::StrCat(field, ".program"), "missing (a path to the executable)");
  }
  stage->program_spec = j["program"].get<std::string>();
  stage->program = stage->program_spec.rfind(kBundledPrefix, 0) == 0
                       ? (fs::path(BundledProgramDir()) / stage->program_spec.substr(5)).string()
                       : Resolve(stage->program_spec);
  std::error_code ec;
  if (!fs::is_regular_file(stage->program, ec) || ::access(stage->program.c_str(), X_OK) != 0) {
    return absl::NotFoundError(absl::StrCat(origin_, ": field \"", field, ".program\": no executable at ",
                                            stage->program));
  }
  for (const char* list : {"files", "args"}) {
    if (!j.contains(list)) continue;
    const Json& l = j[list];
    if (!l.is_array()) return Err(absl::StrCat(field, ".", list), "must be a list of strings");
    for (size_t i = 0; i < l.size(); ++i) {
      if (!l[i].is_string()) return Err(absl::StrCat(field, ".", list, "[", i, "]"), "must be a string");
      std::string s = l[i].get<std::string>();
      if (std::string_view(list) == "args") {
        stage->args.push_back(std::move(s));
        continue;
      }
      std::string path = Resolve(s);
      if (absl::Status st = RequireRegularFile(path, absl::StrCat(field, ".files[", i, "]")); !st.ok()) {
        return st;
      }
      stage->files.push_back(std::move(path));
    }
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseStage(const Json& j, const std::string& field, Stage* stage) {
  if (!j.contains(field) || j[field].is_null()) return absl::OkStatus();
  const Json& s = j[field];
  if (s.is_object()) return ParseProgram(s, field, stage);
  if (!s.is_string()) return Err(field, "must be a built-in name or {\"program\": ...}");
  const std::string name = s.get<std::string>();
  if (field == "map" && name == "nop_map") {
    stage->builtin = Stage::Builtin::kNopMap;
  } else if (field == "reduce" && name == "nop_reduce") {
    stage->builtin = Stage::Builtin::kNopReduce;
  } else if (field == "reduce" && name == "sum_reduce") {
    stage->builtin = Stage::Builtin::kSumReduce;
  } else {
    return Err(field, absl::StrCat("unknown built-in \"", name, "\" (known: ",
                                   field == "map" ? "nop_map" : "nop_reduce, sum_reduce",
                                   "; an external program is {\"program\": path})"));
  }
  stage->program_spec = name;
  return absl::OkStatus();
}

absl::Status Parser::ParsePartitioning(const Json& j, JobSpec* job) {
  if (j.contains("partitions")) {
    const Json& p = j["partitions"];
    if (p.is_null()) {
      job->partitions.reset();
    } else if (p.is_number_integer() && p.get<int64_t>() >= 1 && p.get<int64_t>() <= kMaxPartitions) {
      job->partitions = p.get<uint32_t>();
    } else {
      return Err("partitions", absl::StrCat("must be null or an integer in 1..", kMaxPartitions));
    }
  }
  if (!j.contains("partition") || j["partition"].is_null()) return absl::OkStatus();
  const Json& p = j["partition"];
  if (p.is_string() && (p == "default" || p == "default_partition")) return absl::OkStatus();
  const bool range_shape = p.is_object() && p.size() == 1 && p.contains("range") &&
                           p["range"].is_array() && p["range"].size() == 2 &&
                           p["range"][0].is_number_integer() && p["range"][1].is_number_integer();
  if (!range_shape) {
    return Err("partition", "must be \"default\" or {\"range\": [min, max]} with integers");
  }
  RangePartition r{p["range"][0].get<int64_t>(), p["range"][1].get<int64_t>()};
  if (r.min >= r.max) return Err("partition", "range needs min < max");
  if (!job->partitions) return Err("partition", "a range partition needs \"partitions\": n");
  job->range = r;
  return absl::OkStatus();
}

absl::Status Parser::ParseExtParams(const Json& j, JobSpec* job) {
  job->param_block = std::string(codec::kEmptyParamBlock);
  if (!j.contains("ext_params") || j["ext_params"].is_null()) return absl::OkStatus();
  const Json& p = j["ext_params"];
  if (p.is_string()) {
    job->param_block = codec::EncodeParamRaw(p.get<std::string>());
    return absl::OkStatus();
  }
  if (!p.is_object()) return Err("ext_params", "must be a dictionary of strings or a raw string");
  codec::ParamDict dict;
  for (const auto& [key, value] : p.items()) {
    if (value.is_string()) {
      dict.emplace_back(key, value.get<std::string>());
    } else if (value.is_number() || value.is_boolean()) {
      dict.emplace_back(key, value.dump());
    } else {
      return Err(absl::StrCat("ext_params.", key), "must be a string (or a number)");
    }
  }
  job->param_block = codec::EncodeParamDict(dict);
  return absl::OkStatus();
}

absl::StatusOr<JobSpec> Parser::Parse(const Json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError(origin_ + ": a job file is a JSON object");
  std::vector<std::string> known(KnownFields().begin(), KnownFields().end());
  for (const auto& [key, value] : j.items()) {
    if (!KnownFields().contains(key)) {
      return Err(key, absl::StrCat("unknown field (known: ", absl::StrJoin(known, ", "), ")"));
    }
  }
  JobSpec job;
  job.job_dir = base_dir_;
  job.name = fs::path(origin_).stem().string();
  if (j.contains("name")) {
    if (!j["name"].is_string()) return Err("name", "must be a string");
    job.name = j["name"].get<std::string>();
  }
  if (j.contains("map_reader") && !j["map_reader"].is_null()) {
    const Json& r = j["map_reader"];
    if (r == "lines") {
      job.reader = Reader::kLines;
    } else if (r == "kv") {
      job.reader = Reader::kKv;
    } else if (r == "chain") {
      job.reader = Reader::kChain;
    } else if (r == "disco") {
      job.reader = Reader::kDisco;
    } else {
      return Err("map_reader", "must be \"lines\", \"kv\", \"chain\" or \"disco\"");
    }
  }
  if (j.contains("output_format") && !j["output_format"].is_null()) {
    const Json& f = j["output_format"];
    if (f == "dxt") {
      job.output_format = PartFormat::kFrames;
    } else if (f == "disco") {
      job.output_format = PartFormat::kDisco;
    } else {
      return Err("output_format", "must be \"dxt\" (pair frames) or \"disco\" (DiscoOutputStream_v1)");
    }
  }
  if (absl::Status s = ParseInputs(j, &job); !s.ok()) return s;
  if (absl::Status s = ParseStage(j, "map", &job.map); !s.ok()) return s;
  if (absl::Status s = ParseStage(j, "reduce", &job.reduce); !s.ok()) return s;
  if (!job.map.present() && !job.reduce.present()) {
    return Err("map", "a job needs a map, a reduce, or both");
  }
  if (absl::Status s = ParsePartitioning(j, &job); !s.ok()) return s;
  if (j.contains("combiner") && !j["combiner"].is_null()) {
    if (j["combiner"] != "sum_combiner") return Err("combiner", "unknown built-in (known: sum_combiner)");
    if (!job.map.present()) return Err("combiner", "a combiner runs on map output; this job has no map");
    job.sum_combiner = true;
  }
  if (j.contains("sort")) {
    if (!j["sort"].is_boolean()) return Err("sort", "must be true or false");
    job.sort = j["sort"].get<bool>();
  }
  std::string buffer = "10%";
  if (j.contains("sort_buffer_size")) {
    const Json& b = j["sort_buffer_size"];
    if (b.is_string()) {
      buffer = b.get<std::string>();
    } else if (b.is_number_unsigned()) {
      buffer = b.dump();
    } else {
      return Err("sort_buffer_size", "must be a size like \"64M\" or \"10%\"");
    }
  }
  absl::StatusOr<uint64_t> bytes = ParseBufferSize(buffer);
  if (!bytes.ok()) return Err("sort_buffer_size", bytes.status().message());
  job.sort_buffer_bytes = *bytes;
  if (absl::Status s = ParseExtParams(j, &job); !s.ok()) return s;
  if (j.contains("status_interval")) {
    const Json& s = j["status_interval"];
    if (!s.is_number_unsigned()) return Err("status_interval", "must be a non-negative integer");
    job.status_interval = s.get<uint64_t>();
  }
  if (j.contains("output")) {
    if (!j["output"].is_string() || j["output"].get<std::string>().empty()) {
      return Err("output", "must be a directory path");
    }
    job.output = Resolve(j["output"].get<std::string>());
  }
  return job;
}

}  // namespace

std::string Stage::Name() const { return program_spec; }

std::string BundledProgramDir() {
  if (const char* env = std::getenv("DXT_PROGRAM_DIR"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return (exe.parent_path().parent_path() / "reference" / "programs").string();
}

absl::StatusOr<uint64_t> ParseBufferSize(std::string_view text) {
  std::string_view t = Sv(absl::StripAsciiWhitespace(Av(text)));
  size_t digits = 0;
  while (digits < t.size() && absl::ascii_isdigit(static_cast<unsigned char>(t[digits]))) ++digits;
  uint64_t n = 0;
  if (digits == 0 || !absl::SimpleAtoi(Av(t.substr(0, digits)), &n)) {
    return absl::InvalidArgumentError(absl::StrCat("\"", Av(text), "\" is not a size (e.g. \"64M\", \"10%\")"));
  }
  const std::string_view suffix = t.substr(digits);
  uint64_t unit = 0;
  if (suffix == "%") {
    if (n == 0 || n > 100) return absl::InvalidArgumentError(absl::StrCat("\"", Av(text), "\": percentage must be 1..100"));
    const uint64_t physical = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) * sysconf(_SC_PAGE_SIZE);
    return physical / 100 * n;
  }
  static const std::pair<std::string_view, uint64_t> kUnits[] = {
      {"b", 1}, {"", 1024}, {"K", 1024}, {"k", 1024}, {"M", 1 << 20}, {"G", 1 << 30},
      {"T", uint64_t{1} << 40}};
  for (const auto& [name, value] : kUnits) {
    if (suffix == name) unit = value;
  }
  if (unit == 0 || n > UINT64_MAX / unit) {
    return absl::InvalidArgumentError(absl::StrCat("\"", Av(text), "\" is not a size (suffixes: % b K M G T)"));
  }
  return n * unit;
}

absl::StatusOr<JobSpec> ParseJob(std::string_view json_text, const std::string& origin,
                                 const std::string& base_dir) {
  absl::StatusOr<Json> j = codec::ParseStrictJson(json_text, origin);
  if (!j.ok()) return j.status();
  return Parser(origin, base_dir).Parse(*j);
}

absl::StatusOr<JobSpec> LoadJobFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read job file ", path));
  std::stringstream text;
  text << in.rdbuf();
  const fs::path dir = fs::absolute(fs::path(path)).parent_path();
  absl::StatusOr<JobSpec> job = ParseJob(text.str(), path, dir.string());
  if (job.ok()) job->job_file = fs::absolute(fs::path(path)).lexically_normal().string();
  return job;
}

}  // namespace dxt::executor
