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
#include <functional>
#include <optional>

#include "absl/strings/str_cat.h"
#include "codec/disco_c_params.h"
#include "codec/jsonl.h"
#include "codec/param_block.h"
#include "codec/result_list.h"
#include "codec/stream_decoder.h"
#include "judge/case.h"
#include "reference/executor/framed_file.h"
#include "tools/command_registry.h"
#include "tools/failure_files.h"

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
  std::string side;  // --format stream: "stdin", "stdout", or "" = detected (StreamSide)
  std::string input = "-";
  std::string output = "-";
  bool disco_c = false;
};

// What `dxt decode` reads the input as: one per --format, and for `stream` the side of the
// conversation that was captured.
enum class Kind { kPairs, kLists, kParams, kStdin, kStdout };

codec::StreamGrammar GrammarOf(Kind k) {
  switch (k) {
    case Kind::kPairs: return codec::StreamGrammar::kPairs;
    case Kind::kLists:
    case Kind::kStdout: return codec::StreamGrammar::kResultLists;
    case Kind::kParams:
    case Kind::kStdin: return codec::StreamGrammar::kParamsThenPairs;
  }
  return codec::StreamGrammar::kPairs;
}

// How a hint names a kind, as options and in words.
std::string Describe(Kind k) {
  switch (k) {
    case Kind::kPairs: return "--format pairs (pair frames)";
    case Kind::kLists: return "--format lists (result lists)";
    case Kind::kParams: return "--format params (one parameter block)";
    case Kind::kStdin:
      return "--format stream --side stdin (a captured stdin: the parameter block, then pairs)";
    case Kind::kStdout: return "--format stream --side stdout (a captured stdout: result lists)";
  }
  return "";
}

// 1-20 decimal digits then "\n": how every stdin a driver sends begins (R2.1). A captured stdout
// begins with a u32 count instead; the odd count whose bytes look like such a header is caught
// by the hint of a failed decode.
bool LooksLikeParamHeader(std::string_view head) {
  size_t digits = 0;
  while (digits < head.size() && digits <= 20 && head[digits] >= '0' && head[digits] <= '9')
    ++digits;
  return digits >= 1 && digits <= 20 && digits < head.size() && head[digits] == '\n';
}

// Which side of a conversation a `--format stream` input is: --side; else the name dxt fuzz and
// dxt check --save-failures give the files (X.stdin, X.stdout); else the content's first bytes.
Kind StreamSide(const CodecOptions& o, std::string_view head) {
  if (!o.side.empty()) return o.side == "stdin" ? Kind::kStdin : Kind::kStdout;
  for (auto [ext, kind] : {std::pair{".stdin", Kind::kStdin}, {".stdout", Kind::kStdout}})
    if (o.input.size() > std::strlen(ext) && o.input.ends_with(ext)) return kind;
  return LooksLikeParamHeader(head) ? Kind::kStdin : Kind::kStdout;
}

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
  // Writes the buffered text before `position` (an output position) and keeps the rest.
  absl::Status FlushBefore(uint64_t position) {
    if (hold_ || position <= written_) return absl::OkStatus();
    const size_t n = static_cast<size_t>(std::min<uint64_t>(buffer_.size(), position - written_));
    absl::Status s = WriteAllTo(fd_, std::string_view(buffer_).substr(0, n), name_);
    written_ += n;
    buffer_.erase(0, n);
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
    absl::StatusOr<judge::OwnedPair> pair = judge::ParseInputPair(line, "");
    if (!pair.ok()) return pair.status();
    return codec::AppendPair(out, pair->first, pair->second);
  }
  if (!line.is_object() || line.size() != 1 || !line.contains("list") || !line["list"].is_array()) {
    return absl::InvalidArgumentError(
        "expected {\"list\": [{\"key\": ..., \"value\": ...} or a plain value, ...]}");
  }
  std::vector<std::pair<std::string, std::string>> owned;
  for (size_t i = 0; i < line["list"].size(); ++i) {
    absl::StatusOr<judge::OwnedPair> pair =
        judge::ParseInputPair(line["list"][i], absl::StrCat("list item ", i));
    if (!pair.ok()) return pair.status();
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
    } else if (o.format == "stream") {  // a {"params", "input"} document: what a program reads
      absl::StatusOr<std::string> all = ReadAll(**in);
      absl::StatusOr<judge::Case> c =
          all.ok() ? judge::ParseConversation(*all, InputName(o)) : all.status();
      if (c.ok()) {
        std::string& buf = (*out)->buffer();
        buf = judge::ParamBlockOf(*c);
        for (const auto& [k, v] : c->input)
          if (s = codec::AppendPair(&buf, k, v); !s.ok()) break;
      } else {
        s = c.status();
        line = 0;  // the message names the document and the field
      }
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
  const bool at_line = (absl::IsInvalidArgument(s) || absl::IsResourceExhausted(s)) && line > 0;
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

// A captured stdin's parameter block as a script case writes its "params" (the inverse of what
// ParamBlockOf sends): a dictionary, or {"raw": ...} for a body that is not one (R2.4).
Json ScriptParamsOf(std::string_view body) {
  codec::Decoded<std::vector<codec::PairView>> dict = codec::ParseParamDict(body);
  if (!dict.ok()) return ScriptParamsJson({}, std::string(body));
  codec::ParamDict owned;
  for (const codec::PairView& p : dict.value) owned.emplace_back(p.key, p.value);
  return ScriptParamsJson(owned);
}

// Whether the bytes `read` yields (chunk by chunk, 0 at the end) decode as `k` to their very end,
// with at least one item (kParams: the block and nothing else).
bool DecodesAs(Kind k, const std::function<absl::StatusOr<size_t>(std::string*)>& read) {
  codec::StreamDecoder decoder(GrammarOf(k));
  uint64_t items = 0;
  auto count = [&](const codec::StreamEvent& e) {
    items += e.type != codec::StreamEvent::Type::kListEnd;
  };
  absl::Status s;
  std::string chunk;
  while (s.ok()) {
    chunk.clear();
    absl::StatusOr<size_t> n = read(&chunk);
    if (!n.ok()) return false;
    if (*n == 0) break;
    s = decoder.Feed(chunk, count);
  }
  if (s.ok()) s = decoder.Finish();
  return s.ok() && items > 0 && (k != Kind::kParams || decoder.pairs_decoded() == 0);
}

// After a failed decode as `failed`: the first other kind the input decodes as, in the order a
// mistaken --format is most likely (a captured stdin, result lists, pairs, a parameter block).
std::optional<Kind> OtherKind(Kind failed, const std::function<bool(Kind)>& decodes) {
  const bool stream = failed == Kind::kStdin || failed == Kind::kStdout;
  for (Kind k : {Kind::kStdin, stream ? Kind::kStdout : Kind::kLists, Kind::kPairs, Kind::kParams})
    if (k != failed && !(k != Kind::kParams && failed != Kind::kParams &&
                         GrammarOf(k) == GrammarOf(failed)) &&
        decodes(k))
      return k;
  return std::nullopt;
}

// The whole of `bytes` through DecodesAs.
bool BytesDecodeAs(Kind k, std::string_view bytes) {
  bool given = false;
  return DecodesAs(k, [&](std::string* chunk) -> absl::StatusOr<size_t> {
    if (given) return 0;
    given = true;
    chunk->assign(bytes);
    return bytes.size();
  });
}

void PrintHint(std::optional<Kind> other) {
  if (other) std::cerr << "dxt decode: hint: the input decodes as " << Describe(*other) << "\n";
}

// Reads the input for decoding. A file (or stdin redirected from one) can be read again for the
// hint of a failed decode; of a pipe, a copy of what was read is kept, up to kHintCopy bytes.
class HintedInput {
 public:
  static constexpr size_t kHintCopy = 4 << 20;
  HintedInput(const CodecOptions& o, executor::ByteReader& in) : o_(o), in_(in) {
    struct stat st;
    rereadable_ = o.input != "-" || (::fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode) &&
                                     ::lseek(STDIN_FILENO, 0, SEEK_CUR) == 0);
  }
  absl::StatusOr<size_t> Read(std::string* chunk) {
    const size_t before = chunk->size();
    absl::StatusOr<size_t> n = in_.AppendAvailable(chunk, kChunk);
    if (n.ok()) Keep(std::string_view(*chunk).substr(before));
    return n;
  }
  // See OtherKind; nullopt too when a pipe's input was too large to keep.
  std::optional<Kind> OtherKindThan(Kind failed) {
    if (rereadable_)
      return OtherKind(failed, [&](Kind k) {
        auto again = o_.input == "-" ? ReadStdinAgain() : executor::ByteReader::Open(o_.input, kChunk);
        if (!again.ok()) return false;
        return DecodesAs(k, [&](std::string* c) { return (*again)->Append(c, kChunk); });
      });
    std::string rest;  // the rest of the pipe, for the copy
    while (copy_ok_) {
      rest.clear();
      absl::StatusOr<size_t> n = in_.Append(&rest, kChunk);
      if (!n.ok()) return std::nullopt;
      Keep(rest);
      if (*n < kChunk) break;
    }
    if (!copy_ok_) return std::nullopt;
    return OtherKind(failed, [&](Kind k) { return BytesDecodeAs(k, copy_); });
  }

 private:
  void Keep(std::string_view bytes) {
    if (rereadable_ || !copy_ok_) return;
    if (copy_.size() + bytes.size() > kHintCopy) {
      copy_ok_ = false;
      copy_.clear();
      return;
    }
    copy_.append(bytes);
  }

  static absl::StatusOr<std::unique_ptr<executor::ByteReader>> ReadStdinAgain() {
    const int fd = ::dup(STDIN_FILENO);
    if (fd < 0 || ::lseek(fd, 0, SEEK_SET) != 0) {
      if (fd >= 0) ::close(fd);
      return absl::UnavailableError("stdin cannot be read again");
    }
    return executor::ByteReader::Adopt(fd, "<stdin>", kChunk);
  }

  const CodecOptions& o_;
  executor::ByteReader& in_;
  bool rereadable_ = false;
  bool copy_ok_ = true;
  std::string copy_;
};

// Streams pairs or result lists to JSON lines as they decode: memory is one item (the decoder
// holds an item split across reads) plus the output buffer, whatever the input size. A captured
// stdin (Kind::kStdin) becomes one JSON document in the fields of a `--script` case:
//   {"params":{...},"input":[
//   {"key":...,"value":...},
//   ...
//   ]}
// written as it decodes too. Sets `*kind` (detected for --format stream). Returns the decoding
// error (InvalidArgument/OutOfRange/DataLoss, text naming the offset and pair) or the read/write
// error.
absl::Status DecodeFrames(const CodecOptions& o, HintedInput& in, Output& out, Kind* kind) {
  std::string chunk;
  absl::StatusOr<size_t> n = in.Read(&chunk);
  if (!n.ok()) return n.status();
  if (o.format == "stream") {  // enough of the head to tell a parameter block header
    while (*n > 0 && chunk.size() <= 21 && chunk.find_first_not_of("0123456789") == std::string::npos) {
      n = in.Read(&chunk);
      if (!n.ok()) return n.status();
    }
    *kind = StreamSide(o, chunk);
  } else {
    *kind = o.format == "lists" ? Kind::kLists : Kind::kPairs;
  }
  const bool lists = GrammarOf(*kind) == codec::StreamGrammar::kResultLists;
  const bool document = *kind == Kind::kStdin;
  codec::StreamDecoder decoder(GrammarOf(*kind));
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
        if (document) out.buffer() += e.pair_index == 0 ? "\n" : ",\n";
        first_in_list = false;
        write_error = WritePairJson(e.pair, out);
        if (!lists && !document) out.buffer() += '\n';
        break;
      case codec::StreamEvent::Type::kListEnd:
        out.buffer() += "]}\n";
        in_list = false;
        break;
      case codec::StreamEvent::Type::kParams:
        out.buffer() += "{\"params\":" + ScriptParamsOf(e.body).dump() + ",\"input\":[";
        break;
    }
  };
  // `chunk` holds what was read and not yet fed (the head may span reads); `eof` once a read
  // returned nothing.
  for (bool eof = *n == 0;;) {
    absl::Status s = chunk.empty() ? absl::OkStatus() : decoder.Feed(chunk, sink);
    if (s.ok() && eof) s = decoder.Finish();
    if (!write_error.ok()) return write_error;
    // A list cut short is dropped unless part of it was already written (its text outgrew
    // kChunk while it was open).
    if (!s.ok() && in_list) out.DropFrom(list_start);
    if (s.ok() && eof && document) out.buffer() += decoder.pairs_decoded() ? "\n]}\n" : "]}\n";
    if (!s.ok() || eof) return s;
    // Everything decoded so far goes out now: a reader of a live stream sees each item at once.
    // An open list waits for its end (or until its text outgrows kChunk), so a list cut short
    // by the end of the stream is dropped whole, not left half-written.
    const bool hold_list = in_list && out.position() - list_start < kChunk;
    if (absl::Status f = hold_list ? out.FlushBefore(list_start) : out.Flush(1); !f.ok()) return f;
    chunk.clear();
    n = in.Read(&chunk);
    if (!n.ok()) return n.status();
    eof = *n == 0;
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
  if (!o.side.empty() && o.format != "stream") {
    std::cerr << "dxt decode: --side needs --format stream\n";
    return kExitUsage;
  }
  int code = kExitOk;
  absl::Status s;
  HintedInput hinted(o, **in);
  try {
    if (o.format == "params") {
      absl::StatusOr<std::string> all = ReadAll(**in);
      s = all.status();
      if (s.ok()) code = DecodeParams(o, *all, &(*out)->buffer());
      if (s.ok() && code == kExitFailed && !o.disco_c) {
        PrintHint(OtherKind(Kind::kParams, [&](Kind k) { return BytesDecodeAs(k, *all); }));
      }
    } else {
      Kind kind = Kind::kPairs;
      s = DecodeFrames(o, hinted, **out, &kind);
      // What decoded before a malformed item is still written to stdout (never to an -o file).
      if (absl::IsInvalidArgument(s) || absl::IsOutOfRange(s) || absl::IsDataLoss(s)) {
        std::cerr << "dxt decode: " << InputName(o) << ": " << s.message() << "\n";
        PrintHint(hinted.OtherKindThan(kind));
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
  sub.add_option("-i,--input", o->input, "input file (default: stdin)");
  sub.add_option("-o,--output", o->output, "output file, replaced atomically (default: stdout)");
}

const CommandRegistrar kEncode({"encode", "JSON lines -> wire bytes (pairs, lists, params, stream)", 50,
                                [](CLI::App& sub) -> std::function<int()> {
                                  auto o = std::make_shared<CodecOptions>();
                                  sub.add_option("--format", o->format,
                                                 "pairs (default; a line is {\"key\", \"value\"} "
                                                 "or a plain value, as --script inputs), lists, "
                                                 "params, or stream: a {\"params\", \"input\"} "
                                                 "document to a program's whole stdin")
                                      ->check(CLI::IsMember({"pairs", "lists", "params", "stream"}));
                                  AddCommonOptions(sub, o.get());
                                  return [o] { return RunEncode(*o); };
                                }});

const CommandRegistrar kDecode(
    {"decode", "wire bytes -> JSON lines (pairs, lists, params, a captured stream)", 51,
     [](CLI::App& sub) -> std::function<int()> {
       auto o = std::make_shared<CodecOptions>();
       sub.add_option("--format", o->format,
                      "pairs (default), lists, params, or stream: a captured stdin (one "
                      "{\"params\", \"input\"} document) or stdout (result lists)")
           ->check(CLI::IsMember({"pairs", "lists", "params", "stream"}));
       sub.add_option("--side", o->side,
                      "--format stream: stdin or stdout (default: from the file name X.stdin / "
                      "X.stdout, else from the first bytes)")
           ->check(CLI::IsMember({"stdin", "stdout"}));
       AddCommonOptions(sub, o.get());
       sub.add_flag("--disco-c", o->disco_c,
                    "params: read the block like the original C library (R2.5), misreadings "
                    "included");
       return [o] { return RunDecode(*o); };
     }});

}  // namespace
}  // namespace dxt::tools
