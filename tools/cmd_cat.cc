// `dxt cat OUTDIR|FILE`: prints the pairs of a `dxt run` output directory, or of one file of pair
// frames or of Disco's result format.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "CLI/CLI.hpp"
#include "codec/jsonl.h"
#include "reference/executor/disco_file.h"
#include "reference/executor/framed_file.h"
#include "reference/executor/output.h"
#include "reference/executor/partition.h"
#include "tools/command_registry.h"

namespace dxt::tools {
namespace {

using codec::BytesToJson;
using codec::IsValidUtf8;
using codec::Json;
using codec::JsonLine;

struct CatFlags {
  std::string dir;
  std::string format = "jsonl";
  std::string input_format = "auto";  // a FILE argument: auto | dxt | disco
  std::optional<uint32_t> partition;
  std::optional<size_t> top;
};

// TSV field: backslash, tab, newline, carriage return and other control bytes are escaped (\\ \t
// \n \r \xHH); bytes >= 0x80 are kept when the field is valid UTF-8 and escaped otherwise.
std::string TsvField(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  const bool utf8 = IsValidUtf8(bytes);
  std::string out;
  for (unsigned char c : bytes) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !utf8)) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

void Print(const CatFlags& flags, const std::optional<uint32_t>& partition, std::string_view key,
           std::string_view value) {
  if (flags.format == "tsv") {
    std::cout << TsvField(key) << '\t' << TsvField(value) << '\n';
    return;
  }
  Json j;
  j["partition"] = partition ? Json(*partition) : Json(nullptr);
  j["key"] = BytesToJson(key);
  j["value"] = BytesToJson(value);
  std::cout << JsonLine(j);
}

struct Ranked {
  int64_t count;
  std::string key, value;
  std::optional<uint32_t> partition;
};

// Larger counts first, then key bytes ascending.
bool RankBefore(const Ranked& a, const Ranked& b) {
  return a.count != b.count ? a.count > b.count : a.key < b.key;
}

// One part: pair frames or Disco's result format.
struct PartReader {
  std::unique_ptr<executor::FramedReader> frames;
  std::unique_ptr<executor::DiscoFileReader> disco;
  absl::StatusOr<bool> Next(std::string* key, std::string* value) {
    return frames ? frames->Next(key, value) : disco->Next(key, value);
  }
  uint64_t pairs_read() const { return frames ? frames->pairs_read() : disco->pairs_read(); }
};

// With `digest` (a directory's part) the part is verified against its index, in either format.
absl::StatusOr<PartReader> OpenPart(const std::string& path, bool disco,
                                    const std::optional<executor::FramedFileDigest>& digest) {
  PartReader r;
  if (disco) {
    absl::StatusOr<std::unique_ptr<executor::DiscoFileReader>> d =
        executor::DiscoFileReader::Open(path, codec::DiscoLimits{}, digest);
    if (!d.ok()) return d.status();
    r.disco = std::move(*d);
  } else {
    absl::StatusOr<std::unique_ptr<executor::FramedReader>> f =
        executor::FramedReader::Open(path, 1 << 20, codec::Limits{}, digest);
    if (!f.ok()) return f.status();
    r.frames = std::move(*f);
  }
  return r;
}

// A directory is read through its index; a single file is one unlabelled part whose format is
// --input-format (auto: Disco's when its first byte is the hunk marker 0x81, else pair frames).
absl::StatusOr<executor::OutputIndex> IndexFor(const CatFlags& flags, std::string* dir) {
  std::error_code ec;
  if (std::filesystem::is_regular_file(flags.dir, ec)) {
    const std::filesystem::path p(flags.dir);
    *dir = p.parent_path().empty() ? "." : p.parent_path().string();
    executor::OutputIndex index;
    index.disco_parts = flags.input_format == "disco" ||
                        (flags.input_format == "auto" && executor::StartsWithDiscoHunk(flags.dir));
    index.files.push_back(executor::OutputFile{p.filename().string(), std::nullopt, std::nullopt, 0, 0, ""});
    return index;
  }
  *dir = flags.dir;
  return executor::ReadOutputIndex(flags.dir);
}

int CatCommand(const CatFlags& flags) {
  std::string dir;
  absl::StatusOr<executor::OutputIndex> index = IndexFor(flags, &dir);
  if (!index.ok()) {
    std::cerr << "dxt cat: " << index.status().message() << "\n";
    return kExitUsage;
  }
  std::error_code ec;
  const bool from_index = !std::filesystem::is_regular_file(flags.dir, ec);
  std::vector<Ranked> best;  // a heap of the --top best, worst on top
  std::string key, value;
  for (const executor::OutputFile& f : index->files) {
    if (flags.partition && f.partition != flags.partition) continue;
    // A directory's parts are verified against its index (size, pairs, SHA-256) as they are read.
    const std::optional<executor::FramedFileDigest> digest =
        from_index ? std::optional(executor::FramedFileDigest{f.pairs, f.bytes, f.sha256})
                   : std::nullopt;
    absl::StatusOr<PartReader> reader = OpenPart(dir + "/" + f.file, index->disco_parts, digest);
    if (!reader.ok()) {
      std::cerr << "dxt cat: " << reader.status().message() << "\n";
      return kExitFailed;
    }
    while (true) {
      absl::StatusOr<bool> more = reader->Next(&key, &value);
      if (!more.ok()) {
        std::cerr << "dxt cat: " << more.status().message() << "\n";
        return kExitFailed;
      }
      if (!*more) break;
      if (!flags.top) {
        Print(flags, f.partition, key, value);
        continue;
      }
      absl::StatusOr<int64_t> count = executor::ParseIntegerKey(value);
      if (!count.ok()) {
        std::cerr << "dxt cat: --top needs integer values: " << f.file << ": value of pair "
                  << reader->pairs_read() - 1 << " is not one\n";
        return kExitFailed;
      }
      best.push_back({*count, key, value, f.partition});
      std::push_heap(best.begin(), best.end(), RankBefore);
      if (best.size() > *flags.top) {
        std::pop_heap(best.begin(), best.end(), RankBefore);
        best.pop_back();
      }
    }
  }
  std::sort(best.begin(), best.end(), RankBefore);
  for (const Ranked& r : best) Print(flags, r.partition, r.key, r.value);
  return kExitOk;
}

const CommandRegistrar kRegistrar({
    "cat",
    "print the pairs of a `dxt run` output directory, or of one pair-frame or Disco result file",
    61,
    [](CLI::App& sub) -> std::function<int()> {
      auto flags = std::make_shared<CatFlags>();
      sub.add_option("dir", flags->dir,
                     "output directory written by `dxt run`, or one file (pair frames or Disco's "
                     "result format)")
          ->required();
      sub.add_option("--input-format", flags->input_format,
                     "for a FILE: auto (Disco's format when the first byte is 0x81, else pair "
                     "frames), dxt (pair frames), disco (DiscoOutputStream_v1 or its old text "
                     "layout); a directory's index.json says its own")
          ->check(CLI::IsMember({"auto", "dxt", "disco"}));
      sub.add_option("--format", flags->format,
                     "jsonl: {\"partition\": p, \"key\": ..., \"value\": ...} (binary-safe, as "
                     "`dxt decode`); tsv: key<TAB>value with \\\\ \\t \\n \\r \\xHH escapes")
          ->check(CLI::IsMember({"jsonl", "tsv"}));
      sub.add_option("--partition", flags->partition, "only this partition");
      sub.add_option("--top", flags->top,
                     "only the N pairs with the largest integer values (ties: key order)");
      return [flags] { return CatCommand(*flags); };
    },
});

}  // namespace
}  // namespace dxt::tools
