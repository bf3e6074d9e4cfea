// `dxt encode` / `dxt decode`: JSON lines <-> wire bytes, with the byte-string convention of
// codec/jsonl.h. Formats: pairs (R3.1), lists (R4.1), params (R2.1; --disco-c shows how the
// original C library would read the block, R2.5).
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <iostream>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "codec/disco_c_params.h"
#include "codec/jsonl.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "codec/stream_decoder.h"
#include "reference/executor/framed_file.h"
#include "tools/command_registry.h"

namespace dxt::tools {
namespace {

using codec::Base64Encode;
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

// Chunks of input read and output written at a time; also the output buffer's flush threshold.
constexpr size_t kChunk = 1 << 20;

// The input behind a ByteReader, so a read error (EISDIR, EIO, ...) is an error, never the end.
absl::StatusOr<std::unique_ptr<executor::ByteReader>> OpenInput(const CodecOptions& o) {
  if (o.input == "-") return executor::ByteReader::Adopt(STDIN_FILENO, "<stdin>", kChunk);
  return executor::ByteReader::Open(o.input, kChunk);
}

// The whole input (params documents and blocks are small).
absl::StatusOr<std::string> ReadAll(executor::ByteReader& in) {
  std::string all;
  while (true) {
    absl::StatusOr<size_t> n = in.Append(&all, kChunk);
    if (!n.ok()) return n.status();
    if (*n < kChunk) return all;
  }
}

absl::Status WriteAllTo(int fd, std::string_view data, const std::string& name) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::UnavailableError(absl::StrCat("cannot write to ", name, ": ", std::strerror(errno)));
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Where encode/decode write: stdout, or an -o file staged as a temporary file beside it and
// renamed into place by Commit() only, so a failed command installs nothing. Text is appended to
// buffer() and written out by Flush(); `hold` keeps stdout output until Commit (encode writes all
// or nothing).
class Output {
 public:
  static absl::StatusOr<std::unique_ptr<Output>> Open(const std::string& path, bool hold) {
    std::unique_ptr<Output> out(new Output());
    out->hold_ = hold && path == "-";
    if (path == "-") {
      out->fd_ = STDOUT_FILENO;
      out->name_ = "stdout";
      return out;
    }
    const size_t slash = path.rfind('/');
    out->tmp_ = slash == std::string::npos
                    ? absl::StrCat(".", path, ".tmpXXXXXX")
                    : absl::StrCat(path.substr(0, slash + 1), ".", path.substr(slash + 1), ".tmpXXXXXX");
    out->fd_ = mkstemp(out->tmp_.data());
    if (out->fd_ < 0) {
      return absl::UnavailableError(
          absl::StrCat(path, ": cannot create a temporary file: ", std::strerror(errno)));
    }
    out->path_ = out->name_ = path;
    return out;
  }
  ~Output() {
    if (!path_.empty() && !committed_) {
      ::close(fd_);
      ::unlink(tmp_.c_str());
    }
  }

  std::string& buffer() { return buffer_; }
  // Bytes written so far plus the buffered ones.
  uint64_t position() const { return written_ + buffer_.size(); }
  // Forgets buffered text from `position` on (what is already written stays written).
  void DropFrom(uint64_t position) {
    if (position >= written_) buffer_.resize(std::min(buffer_.size(), position - written_));
  }
  // Writes the buffer when it holds at least `threshold` bytes (all of it with 0).
  absl::Status Flush(size_t threshold = kChunk) {
    if (hold_ || buffer_.size() < threshold || buffer_.empty()) return absl::OkStatus();
    absl::Status s = WriteAllTo(fd_, buffer_, name_);
    written_ += buffer_.size();
    buffer_.clear();
    return s;
  }
  absl::Status Commit() {
    hold_ = false;
    if (absl::Status s = Flush(0); !s.ok()) return s;
    if (path_.empty()) return absl::OkStatus();
    // mkstemp makes 0600; give the file the usual permissions.
    const mode_t mask = umask(0);
    umask(mask);
    fchmod(fd_, 0666 & ~mask);
    committed_ = true;
    if (::close(fd_) != 0 || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
      const absl::Status s = absl::UnavailableError(
          absl::StrCat(path_, ": cannot replace the file: ", std::strerror(errno)));
      ::unlink(tmp_.c_str());
      return s;
    }
    return absl::OkStatus();
  }

 private:
  Output() = default;
  int fd_ = -1;
  std::string name_, path_, tmp_;
  std::string buffer_;
  uint64_t written_ = 0;
  bool hold_ = false;
  bool committed_ = false;
};

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

// Encodes every line of `in` into `out`; the line number of a failure goes to `*line`.
absl::Status EncodeLines(executor::ByteReader& in, const std::string& format, Output& out,
                         size_t* line) {
  std::string text;
  for (*line = 1;; ++*line) {
    absl::StatusOr<bool> more = in.ReadLine(&text);
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    absl::StatusOr<Json> value = ParseJsonLine(text);
    if (!value.ok()) return value.status();
    if (absl::Status s = EncodeLine(*value, format, &out.buffer()); !s.ok()) return s;
    if (absl::Status s = out.Flush(); !s.ok()) return s;
  }
}

int RunEncode(const CodecOptions& o) {
  absl::StatusOr<std::unique_ptr<executor::ByteReader>> in = OpenInput(o);
  absl::StatusOr<std::unique_ptr<Output>> out =
      in.ok() ? Output::Open(o.output, /*hold=*/true) : in.status();
  if (!out.ok()) {
    std::cerr << "dxt encode: " << out.status().message() << "\n";
    return kExitUsage;
  }
  size_t line = 1;
  absl::Status s;
  try {
    if (o.format == "params") {
      absl::StatusOr<std::string> all = ReadAll(**in);
      absl::StatusOr<Json> doc = all.ok() ? ParseJsonLine(*all) : all.status();
      absl::StatusOr<std::string> block = doc.ok() ? EncodeParams(*doc) : doc.status();
      if (block.ok()) (*out)->buffer() = *std::move(block);
      s = block.status();
    } else {
      s = EncodeLines(**in, o.format, **out, &line);
    }
  } catch (const std::bad_alloc&) {
    s = absl::ResourceExhaustedError("out of memory (line too long?)");
  }
  if (s.ok()) s = (*out)->Commit();
  if (s.ok()) return kExitOk;
  // Bad JSON (1) names its line; so does a line too long to hold. Unreadable input and
  // unwritable output are 2.
  const bool at_line = absl::IsInvalidArgument(s) || absl::IsResourceExhausted(s);
  std::cerr << "dxt encode: " << (at_line ? absl::StrCat(InputName(o), ": line ", line, ": ") : "")
            << s.message() << "\n";
  return absl::IsInvalidArgument(s) ? kExitFailed : kExitUsage;
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

// A byte string as its JSON text (codec/jsonl.h convention), written into `out` in slices so a
// 1 GiB value never exists twice: the same text as JsonLine(BytesToJson(bytes)) without the "\n".
absl::Status WriteBytesJson(std::string_view bytes, Output& out) {
  constexpr size_t kSlice = 3 << 14;  // a multiple of 3: base64 slices concatenate
  std::string& buf = out.buffer();
  if (!IsValidUtf8(bytes)) {
    buf += "{\"base64\":\"";
    for (size_t i = 0; i < bytes.size(); i += kSlice) {
      buf += Base64Encode(bytes.substr(i, kSlice));
      if (absl::Status s = out.Flush(); !s.ok()) return s;
    }
    buf += "\"}";
    return absl::OkStatus();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  buf += '"';
  for (size_t i = 0; i < bytes.size(); i += kSlice) {
    for (unsigned char c : bytes.substr(i, kSlice)) {
      switch (c) {
        case '"': buf += "\\\""; break;
        case '\\': buf += "\\\\"; break;
        case '\b': buf += "\\b"; break;
        case '\f': buf += "\\f"; break;
        case '\n': buf += "\\n"; break;
        case '\r': buf += "\\r"; break;
        case '\t': buf += "\\t"; break;
        default:
          if (c < 0x20) {
            buf += "\\u00";
            buf += kHex[c >> 4];
            buf += kHex[c & 15];
          } else {
            buf += static_cast<char>(c);
          }
      }
    }
    if (absl::Status s = out.Flush(); !s.ok()) return s;
  }
  buf += '"';
  return absl::OkStatus();
}

absl::Status WritePairJson(const codec::PairView& pair, Output& out) {
  out.buffer() += "{\"key\":";
  if (absl::Status s = WriteBytesJson(pair.key, out); !s.ok()) return s;
  out.buffer() += ",\"value\":";
  if (absl::Status s = WriteBytesJson(pair.value, out); !s.ok()) return s;
  out.buffer() += '}';
  return absl::OkStatus();
}

// Streams pairs or result lists to JSON lines as they decode: memory is one item (the decoder
// holds an item split across reads) plus the output buffer, whatever the input size.
// Returns the decoding error (InvalidArgument/OutOfRange/DataLoss, text naming the offset and
// pair) or the read/write error.
absl::Status DecodeFrames(const CodecOptions& o, executor::ByteReader& in, Output& out) {
  const bool lists = o.format == "lists";
  codec::StreamDecoder decoder(lists ? codec::StreamGrammar::kResultLists
                                     : codec::StreamGrammar::kPairs);
  absl::Status write_error;
  uint64_t list_start = 0;  // output position of the open list's first byte
  bool first_in_list = true, in_list = false;
  auto sink = [&](const codec::StreamEvent& e) {
    if (!write_error.ok()) return;
    switch (e.type) {
      case codec::StreamEvent::Type::kListStart:
        list_start = out.position();
        first_in_list = true;
        in_list = true;
        out.buffer() += "{\"list\":[";
        break;
      case codec::StreamEvent::Type::kPair:
        if (lists && !first_in_list) out.buffer() += ',';
        first_in_list = false;
        write_error = WritePairJson(e.pair, out);
        if (!lists) out.buffer() += '\n';
        break;
      case codec::StreamEvent::Type::kListEnd:
        out.buffer() += "]}\n";
        in_list = false;
        break;
      case codec::StreamEvent::Type::kParams:
        break;
    }
  };
  std::string chunk;
  while (true) {
    chunk.clear();
    absl::StatusOr<size_t> n = in.AppendAvailable(&chunk, kChunk);
    if (!n.ok()) return n.status();
    absl::Status s = *n == 0 ? decoder.Finish() : decoder.Feed(chunk, sink);
    if (!write_error.ok()) return write_error;
    // A list cut short is dropped unless part of it was already written (a list that spans
    // reads of a live stream, or longer than kChunk).
    if (!s.ok() && in_list) out.DropFrom(list_start);
    if (!s.ok() || *n == 0) return s;
    // Everything decoded so far goes out now: a reader of a live stream sees each item at once.
    if (absl::Status f = out.Flush(1); !f.ok()) return f;
  }
}

int RunDecode(const CodecOptions& o) {
  if (o.disco_c && o.format != "params") {
    std::cerr << "dxt decode: --disco-c needs --format params\n";
    return kExitUsage;
  }
  absl::StatusOr<std::unique_ptr<executor::ByteReader>> in = OpenInput(o);
  absl::StatusOr<std::unique_ptr<Output>> out =
      in.ok() ? Output::Open(o.output, /*hold=*/false) : in.status();
  if (!out.ok()) {
    std::cerr << "dxt decode: " << out.status().message() << "\n";
    return kExitUsage;
  }
  int code = kExitOk;
  absl::Status s;
  try {
    if (o.format == "params") {
      absl::StatusOr<std::string> all = ReadAll(**in);
      s = all.status();
      if (s.ok()) code = DecodeParams(o, *all, &(*out)->buffer());
    } else {
      s = DecodeFrames(o, **in, **out);
      // What decoded before a malformed item is still written to stdout (never to an -o file).
      if (absl::IsInvalidArgument(s) || absl::IsOutOfRange(s) || absl::IsDataLoss(s)) {
        std::cerr << "dxt decode: " << InputName(o) << ": " << s.message() << "\n";
        code = kExitFailed;
        s = o.output == "-" ? (*out)->Commit() : absl::OkStatus();
      }
    }
  } catch (const std::bad_alloc&) {
    s = absl::ResourceExhaustedError(
        absl::StrCat(InputName(o), ": out of memory (an item larger than memory allows?)"));
  }
  if (s.ok() && code == kExitOk) s = (*out)->Commit();
  if (!s.ok()) {
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
