// Why the inference is shaped this way:
//  - A misreading program shows itself by a number: the length it thinks it read. A length no
//    input could satisfy, found on its stdout or in its stderr, is matched against what simple
//    models of a misreading program would read (a model explains it only when it reads exactly
//    that length), and otherwise looked for as 4 bytes of the input that are not a length field:
//    the program took them for one. Small numbers are never evidence (they match anything).
//  - Its own words that the input ended early count only when dxt sent complete, well-formed
//    input, closed stdin and the program had read all of it; and then only a model that also
//    runs out of input locates the misread.
//  - Buffered output needs a stall the program caused by waiting for input (it had read the whole
//    pair, and wrote nothing for half the wait) and a list completed after stdin closed.
#include "judge/diagnosis.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <iterator>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "codec/disco_c_params.h"
#include "codec/kv_frame.h"
#include "judge/crash_report.h"

namespace dxt::judge {
namespace {

// Input rebuilt for the models: at most this much (a misread shows in the first bytes it took).
constexpr uint64_t kMaxModelledInput = uint64_t{32} << 20;
// Items at least this large reach a program in several read(2)s through a pipe.
constexpr uint64_t kShortReadItem = 4096;
// How many of a model's first lengths may match a claimed one.
constexpr size_t kModelLengths = 2;

// Words with which programs say their input ended early (their own text: ERR lines,
// tracebacks). Lower case; matched case-insensitively.
constexpr const char* kRanOutWords[] = {
    "eof",          "end of file",      "end of input",  "end of stream",   "short read",
    "unpack requires a buffer", "unexpected end", "premature end", "truncated",
    "not enough data", "incomplete read", "couldn't read", "could not read"};

}  // namespace

InputStream RebuildInput(const Case& c, const Transcript& t) {
  InputStream s;
  s.block_size = t.param_block_size;
  if (c.input.empty()) {
    s.bytes = t.stdin_head;
    s.total = t.stdin_bytes_queued;
    for (const harness::PairWrite& p : t.pairs)
      if (p.stdin_offset < s.bytes.size()) s.pair_at.push_back(p.stdin_offset);
    return s;
  }
  s.bytes = ParamBlockOf(c);
  s.block_size = s.bytes.size();
  s.total = s.bytes.size();
  for (const auto& [k, v] : c.input) s.total += codec::PairFrameSize(k, v);
  for (const auto& [k, v] : c.input) {
    if (s.bytes.size() >= kMaxModelledInput) break;
    s.pair_at.push_back(s.bytes.size());
    (void)codec::AppendPair(&s.bytes, k, v);
  }
  if (s.bytes.size() > kMaxModelledInput) s.bytes.resize(kMaxModelledInput);
  return s;
}

PairReading ReadPairsFrom(std::string_view s, uint64_t start, bool big_endian) {
  PairReading r;
  uint64_t p = start;
  while (p < s.size()) {
    if (s.size() - p < 4) {
      r.ends_inside = true;
      break;
    }
    uint64_t len = codec::LoadU32(s.data() + p);
    if (big_endian) len = __builtin_bswap32(static_cast<uint32_t>(len));
    r.lengths.emplace_back(p, len);
    if (len > s.size() - p - 4) {
      r.ends_inside = true;
      break;
    }
    p += 4 + len;
    if (r.lengths.size() % 2 == 0) {
      const auto [key_at, key_size] = r.lengths[r.lengths.size() - 2];
      const uint64_t value_at = r.lengths.back().first;
      r.pairs.emplace_back(s.substr(key_at + 4, key_size), s.substr(value_at + 4, len));
    }
  }
  return r;
}

namespace {

bool IsFailed(const CheckResult& r) { return r.verdict == Verdict::kFailed; }

CheckResult* Find(std::vector<CheckResult>* checks, std::string_view name) {
  for (CheckResult& r : *checks)
    if (r.check == name) return &r;
  return nullptr;
}

bool IsSpace(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

struct Model {
  Misread::Where where;
  uint64_t start;
  bool big_endian = false;
  PairReading Read(std::string_view s) const { return ReadPairsFrom(s, start, big_endian); }
};

// The misreading programs modelled, most common first.
std::vector<Model> ModelsOf(const InputStream& in) {
  std::vector<Model> models;
  if (in.block_size > 0) models.push_back({Misread::Where::kSkipsBlock, kSkipperStart});
  const codec::DiscoCParamsReading disco = codec::ReadParamsLikeDiscoC(in.bytes);
  if (disco.outcome == codec::DiscoCParamsReading::Outcome::kOk && disco.consumed != in.block_size)
    models.push_back({Misread::Where::kDiscoC, disco.consumed});
  uint64_t past = in.block_size;
  while (past < in.bytes.size() && IsSpace(in.bytes[past])) ++past;
  if (past > in.block_size) models.push_back({Misread::Where::kPastBlock, past});
  models.push_back({Misread::Where::kBigEndian, in.block_size, true});
  return models;
}

std::string U32Bytes(uint64_t v) {
  std::string b;
  codec::AppendU32(&b, static_cast<uint32_t>(v));
  return b;
}

// A length the program claims to have read, too large for any input it was sent.
struct Claim {
  uint64_t value = 0;
  Misread::Evidence source = Misread::Evidence::kStdoutLength;
  uint64_t stdout_offset = 0;
  std::string line;
};

std::vector<const harness::LogRecord*> ProgramLines(const Transcript& t) {
  std::vector<const harness::LogRecord*> out;
  for (const harness::LogRecord& l : t.logs) out.push_back(&l);
  for (const harness::LogRecord& l : t.last_logs)
    if (std::none_of(out.begin(), out.end(),
                     [&](const harness::LogRecord* o) { return o->offset == l.offset; }))
      out.push_back(&l);
  return out;
}

std::vector<Claim> AbsurdClaims(const Transcript& t, uint64_t input_size) {
  std::vector<Claim> out;
  const codec::StreamError& e = t.stdout_error;
  // Only an item length inside a list: a count where a list should start is text or a wrong
  // count, not a misread input length.
  if (e.kind == codec::StreamError::Kind::kOverLimit && e.item == codec::StreamError::Item::kPair &&
      e.claimed > input_size)
    out.push_back({e.claimed, Misread::Evidence::kStdoutLength, e.offset, ""});
  for (const harness::LogRecord* l : ProgramLines(t)) {
    if (l->kind == codec::LogKind::kMsg) continue;
    const std::string& s = l->raw;
    for (size_t i = 0; i < s.size();) {
      if (!absl::ascii_isdigit(s[i])) {
        ++i;
        continue;
      }
      // Digits that end a word or a name are no number ("x86_64", "key0").
      const bool in_word = i > 0 && (absl::ascii_isalpha(s[i - 1]) || s[i - 1] == '_');
      size_t j = i;
      uint64_t v = 0;
      while (j < s.size() && absl::ascii_isdigit(s[j]) && j - i < 11) v = v * 10 + (s[j++] - '0');
      while (j < s.size() && absl::ascii_isdigit(s[j])) ++j;
      // A negative number is a length read as a signed 32-bit int (Java's readInt, C's int32_t):
      // "NegativeArraySizeException: -961784964" read the u32 3333182332.
      // ("tmp-5033" is a name: a minus sign stands alone)
      const bool minus = i > 0 && s[i - 1] == '-' &&
                         (i == 1 || !(absl::ascii_isalnum(s[i - 2]) || s[i - 2] == '_'));
      if (minus && v >= 1 && v <= uint64_t{1} << 31 && j - i <= 10) v = (uint64_t{1} << 32) - v;
      if (!in_word && v > input_size && v <= UINT32_MAX)
        out.push_back({v, Misread::Evidence::kStderrNumber, 0, s});
      i = j;
    }
  }
  return out;
}

// The last stderr line of the program that says its input ended early.
std::optional<std::string> RanOutLine(const Transcript& t) {
  std::optional<std::string> found;
  for (const harness::LogRecord* l : ProgramLines(t)) {
    if (l->kind == codec::LogKind::kMsg) continue;
    const std::string lower = absl::AsciiStrToLower(l->raw);
    for (const char* w : kRanOutWords)
      if (absl::StrContains(lower, w)) found = l->raw;
  }
  return found;
}

// The first place at or after `from` where `bytes` appear in the input but not as a length field
// a correct reader reads, preferring an item large enough to need several reads.
std::optional<Misread> FindInsideItem(const InputStream& in, const std::string& bytes,
                                      uint64_t from) {
  const PairReading right = ReadPairsFrom(in.bytes, in.block_size);
  auto is_field = [&](uint64_t at) {  // overlaps a length field (sorted by offset)
    auto it = std::lower_bound(right.lengths.begin(), right.lengths.end(), at + 4,
                               [](const auto& f, uint64_t v) { return f.first < v; });
    return it != right.lengths.begin() && std::prev(it)->first + 4 > at;
  };
  std::optional<Misread> first;
  for (size_t i = 0; i < in.pair_at.size(); ++i) {
    const uint64_t at = in.pair_at[i];
    const uint64_t end = i + 1 < in.pair_at.size() ? in.pair_at[i + 1] : in.bytes.size();
    if (end <= from || end - at < 8) continue;
    const uint64_t key_size = codec::LoadU32(in.bytes.data() + at);
    const uint64_t value_at = at + 8 + key_size;
    std::string_view frame(in.bytes.data() + at, end - at);
    for (size_t hit = frame.find(bytes); hit != std::string_view::npos;
         hit = frame.find(bytes, hit + 1)) {
      const uint64_t off = at + hit;
      if (off < from || is_field(off)) continue;
      Misread m;
      m.where = Misread::Where::kInsidePair;
      m.pair_index = i;
      m.in_value = off >= value_at;
      m.item_at = m.in_value ? value_at : at + 4;
      m.item_size = m.in_value ? end - value_at : key_size;
      m.length_at = off;
      m.length_bytes = bytes;
      m.more_in_item = frame.find(bytes, hit + 1) != std::string_view::npos;
      if (m.item_size >= kShortReadItem) return m;
      if (!first) first = m;
      break;  // the first hit of a small item is enough
    }
  }
  return first;
}

// In lockstep the driver sends pair k only after list k-1 arrived: a program that answered L
// pairs read them from the bytes of the first L pairs. A model that cannot is not the program.
bool AnswersFit(const InputStream& in, const Transcript& t, const Model& model) {
  const uint64_t answered = t.lists_completed;
  if (t.mode != Mode::kMap || t.pipeline || answered == 0) return true;
  const uint64_t end = answered < in.pair_at.size() ? in.pair_at[answered] : in.bytes.size();
  return model.Read(std::string_view(in.bytes).substr(0, end)).pairs.size() >= answered;
}

const char* MisreadRule(Misread::Where where) {
  switch (where) {
    case Misread::Where::kSkipsBlock:
      return "R2.1";
    case Misread::Where::kDiscoC:
      return "R2.5";
    case Misread::Where::kPastBlock:
      return "R2.3";
    case Misread::Where::kInsidePair:
      return "R3.1";
    case Misread::Where::kBigEndian:
      return "R3.1";
  }
  return "";
}

const char* MisreadCause(Misread::Where where) {
  switch (where) {
    case Misread::Where::kSkipsBlock:
      return kCauseSkipsParams;
    case Misread::Where::kDiscoC:
      return kCauseDiscoCParams;
    case Misread::Where::kPastBlock:
      return kCausePastParams;
    case Misread::Where::kInsidePair:
      return kCauseShortRead;
    case Misread::Where::kBigEndian:
      return kCauseBigEndianLengths;
  }
  return "";
}

// The check a misread is the defect of: the parameter block's, or the pair framing's.
const char* MisreadCheck(Misread::Where where) {
  return where == Misread::Where::kInsidePair || where == Misread::Where::kBigEndian ? "framing"
                                                                                     : "params";
}

// (`reading`: the model's reading of the input, m.Read(in.bytes), for the length a big-endian
// reader took first; another model's misread needs none)
Misread FromModel(const Model& m, const InputStream& in, const PairReading& reading = {}) {
  Misread r;
  r.where = m.where;
  r.start = m.start;
  r.block_size = in.block_size;
  if (m.big_endian) {  // the first length it took that reads otherwise little-endian
    for (const auto& [at, len] : reading.lengths) {
      if (len == codec::LoadU32(in.bytes.data() + at)) continue;
      r.length_at = at;
      r.length_bytes = in.bytes.substr(at, 4);
      r.length = len;
      break;
    }
  }
  return r;
}

// A map that waits for more input with the list of pair k owed: the misreading programs
// modelled that would wait there too (their reading of what was written does not complete pair
// k, where a right one does), by cause.
std::vector<std::string> MisreadsWaitingAt(const InputStream& in, const Transcript& t) {
  std::vector<std::string> out;
  if (t.mode != Mode::kMap || !t.stalled_pair) return out;
  const uint64_t k = *t.stalled_pair;
  if (in.bytes.size() < in.block_size || in.bytes.size() < in.total) return out;
  const std::string_view sent = std::string_view(in.bytes).substr(
      0, std::min<uint64_t>(t.stdin_bytes_written, in.bytes.size()));
  if (ReadPairsFrom(sent, in.block_size).pairs.size() <= k) return out;
  for (const Model& model : ModelsOf(in))
    if (model.Read(sent).pairs.size() <= k) out.push_back(MisreadCause(model.where));
  return out;
}

bool CrashSaysNothing(const Transcript& t) { return t.exit.term_signal > 0 && !t.killed_by_driver; }

// The misread the evidence of a FAILED case points to, on its rebuilt input; nullopt when there
// is none (a program that reads its input right, or evidence too weak to say where it went
// wrong). Not after a crash: it says nothing (CrashSaysNothing).
std::optional<Misread> MisreadIn(const InputStream& in, const Transcript& t) {
  if (in.bytes.size() < in.block_size) return std::nullopt;
  const std::vector<Model> models = ModelsOf(in);
  // Disco's C library died where dxt's model of it dies, with the same words.
  const codec::DiscoCParamsReading disco = codec::ReadParamsLikeDiscoC(in.bytes);
  if (disco.outcome == codec::DiscoCParamsReading::Outcome::kDied && !disco.die_message.empty()) {
    for (const harness::LogRecord* l : ProgramLines(t))
      if (l->kind == codec::LogKind::kErr && absl::StrContains(l->raw, disco.die_message)) {
        Misread m = FromModel({Misread::Where::kDiscoC, disco.consumed}, in);
        m.evidence = Misread::Evidence::kDiscoCDeath;
        m.line = l->raw;
        return m;
      }
  }
  // A length it read that no input satisfies: which model reads exactly it, else where it lies.
  for (const Claim& claim : AbsurdClaims(t, in.total)) {
    for (const Model& model : models) {
      if (!AnswersFit(in, t, model)) continue;
      // A misread block shows in the first lengths read after it; later ones, read from
      // garbage, can land anywhere and match by chance.
      const PairReading r = model.Read(in.bytes);
      for (size_t k = 0; k < r.lengths.size() && k < kModelLengths; ++k) {
        const auto [at, len] = r.lengths[k];
        if (len != claim.value) continue;
        Misread m = FromModel(model, in, r);
        m.evidence = claim.source;
        m.length = len;
        m.length_at = at;
        m.length_bytes = in.bytes.substr(at, 4);
        m.stdout_offset = claim.stdout_offset;
        m.line = claim.line;
        return m;
      }
    }
    uint64_t from = in.block_size;
    if (t.mode == Mode::kMap && t.lists_completed > 0 && t.lists_completed - 1 < in.pair_at.size())
      from = in.pair_at[t.lists_completed - 1];
    if (auto m = FindInsideItem(in, U32Bytes(claim.value), from)) {
      m->block_size = in.block_size;
      m->evidence = claim.source;
      m->length = claim.value;
      m->stdout_offset = claim.stdout_offset;
      m->line = claim.line;
      return m;
    }
  }
  // It says its input ended early, after all of it was sent, closed and read.
  const bool read_all = t.stdin_closed_at && !t.stdin_broken && t.pairs_queued == t.pairs_total &&
                        t.reaped && t.unread_input_at_exit == 0 && t.expired.empty();
  if (auto line = RanOutLine(t); line && read_all && !ReadPairsFrom(in.bytes, in.block_size).ends_inside &&
                                 in.bytes.size() == in.total) {
    std::optional<Misread> found;
    std::vector<std::string> fits, ruled_out;
    for (const Model& model : models) {
      const PairReading r = model.Read(in.bytes);
      if (!AnswersFit(in, t, model) || !r.ends_inside) {
        ruled_out.push_back(MisreadCause(model.where));
      } else if (found) {
        fits.push_back(MisreadCause(model.where));
      } else {
        found = FromModel(model, in, r);
        found->evidence = Misread::Evidence::kRanOut;
        found->line = *line;
      }
    }
    if (found) {
      found->also_fits = std::move(fits);
      found->rules_out = std::move(ruled_out);
      return found;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string DescribeMisread(const Misread& m) {
  std::string what;
  switch (m.where) {
    case Misread::Where::kSkipsBlock:
      what = absl::StrCat("misread its input: it does not read the ", m.block_size,
                          "-byte parameter block but reads stdin from byte 0 as pairs");
      break;
    case Misread::Where::kDiscoC:
      what = absl::StrCat(
          "reads the block as Disco's C library does — leading whitespace is skipped (dxt's model "
          "of that parser, `dxt decode --format params --disco-c`, ",
          m.evidence == Misread::Evidence::kDiscoCDeath
              ? "dies with the same words)"
              : absl::StrCat("ends the block at stdin offset ", m.start, ", not ", m.block_size,
                             ")"));
      // Its whitespace skip after an empty last value went on into pair 0.
      if (m.start > m.block_size)
        absl::StrAppend(&what, "; after an empty last value it skipped ", m.start - m.block_size,
                        " whitespace byte(s) of pair 0 too (it read up to stdin offset ", m.start,
                        ", the block ends at ", m.block_size, ")");
      break;
    case Misread::Where::kPastBlock:
      what = absl::StrCat("misread its input: read past the parameter block at stdin offset ",
                          m.block_size, ": it also took the ", m.start - m.block_size,
                          " whitespace byte(s) that begin pair 0, so every length it read from "
                          "stdin offset ",
                          m.start, " on is shifted (scanf's \"%u\\n\" skips such bytes)");
      break;
    case Misread::Where::kInsidePair:
      what = absl::StrCat("misread its input: lost its place inside pair ", m.pair_index, " (its ",
                          m.item_size, "-byte ", m.in_value ? "value" : "key",
                          " at stdin offset ", m.item_at, "): took 4 of its bytes, \"",
                          EscapeBytes(m.length_bytes, 8), "\" (", m.more_in_item ? "first " : "",
                          "at stdin offset ", m.length_at, "), for a length");
      if (m.item_size >= kShortReadItem)
        absl::StrAppend(&what, " (it did not wait for the rest of the item: a read(2) from a pipe "
                               "returns what has arrived; read until all ",
                        m.item_size, " bytes are in)");
      break;
    case Misread::Where::kBigEndian: {
      what =
          "misread its input: reads each key and value length as a big-endian u32 (network "
          "order: Java's DataInputStream.readInt, Python's struct \">I\", Go's "
          "binary.BigEndian), where they are little-endian";
      if (!m.length_bytes.empty()) {
        absl::StrAppend(&what, ": the length \"", EscapeBytes(m.length_bytes, 8),
                        "\" at stdin offset ", m.length_at, " is ",
                        codec::LoadU32(m.length_bytes.data()), ", read as ", m.length);
      }
      break;
    }
  }
  switch (m.evidence) {
    case Misread::Evidence::kStdoutLength:
      absl::StrAppend(&what, "; it wrote that length, ", m.length, ", on stdout at offset ",
                      m.stdout_offset);
      if (m.where != Misread::Where::kInsidePair && m.where != Misread::Where::kBigEndian)
        absl::StrAppend(&what, " (the bytes \"", EscapeBytes(m.length_bytes, 8),
                        "\" at stdin offset ", m.length_at, ")");
      break;
    case Misread::Evidence::kStderrNumber:
      absl::StrAppend(&what, "; its stderr names that length, ", m.length);
      if (m.where != Misread::Where::kInsidePair && m.where != Misread::Where::kBigEndian)
        absl::StrAppend(&what, " (the bytes \"", EscapeBytes(m.length_bytes, 8),
                        "\" at stdin offset ", m.length_at, ")");
      absl::StrAppend(&what, ": \"", EscapeBytes(m.line, 120), "\"");
      break;
    case Misread::Evidence::kRanOut:
      absl::StrAppend(&what, "; after complete input it expected more: \"",
                      EscapeBytes(m.line, 120), "\"");
      break;
    case Misread::Evidence::kDiscoCDeath:
      absl::StrAppend(&what, ": \"", EscapeBytes(m.line, 120), "\"");
      break;
  }
  return what;
}

std::string CauseRefText(const CauseRef& r) { return absl::StrCat(r.case_id, "/", r.check); }

namespace {

// Every other FAILED check of the case becomes a consequence of `root`.
void MarkConsequences(const Case& c, std::string_view root, std::vector<CheckResult>* checks) {
  for (CheckResult& r : *checks)
    if (IsFailed(r) && r.check != root && r.check != "sandbox" && !r.caused_by)
      r.caused_by = CauseRef{c.id, c.mode, std::string(root)};
}

// The stall of a program that had taken the whole pair and wrote nothing for half the wait.
bool WaitedForInput(const Transcript& t) {
  if (!t.stall || t.stall->stdin_unread != 0) return false;
  std::chrono::milliseconds budget{0};
  for (const harness::ExpiredWait& w : t.expired)
    if (w.kind == harness::ExpiredWait::Kind::kReply) budget = w.budget;
  const Millis quiet = t.stall->at - t.stall->last_stdout_at.value_or(Millis{0});
  // A full output buffer goes out in whole blocks: a stall on such a boundary is one too.
  const bool on_block = t.stall->stdout_bytes > 0 && t.stall->stdout_bytes % 4096 == 0;
  return on_block || quiet.count() >= std::min(budget.count() / 2.0, 200.0);
}

// The list of the stalled pair: cut short at the stall, completed once stdin was closed.
const harness::ListRecord* ListCompletedAfterClose(const Transcript& t) {
  if (!t.stall || t.stall->pair_index >= t.lists.size() || !t.stdin_closed_at) return nullptr;
  const harness::ListRecord& r = t.lists[t.stall->pair_index];
  if (!r.complete_at || *r.complete_at < *t.stdin_closed_at) return nullptr;
  return &r;
}

// A non-zero exit with stderr text before the program read any input: measured (nothing written,
// or all of it unread), or only likely (stdin broke while what was written fits a pipe buffer).
enum class StartEvidence { kNone, kLikely, kMeasured };
StartEvidence CouldNotStart(const Transcript& t) {
  const bool measured =
      t.stdin_bytes_written == 0 ||
      (t.unread_input_at_exit > 0 && t.unread_input_at_exit >= t.stdin_bytes_written);
  // After EPIPE the unread bytes cannot be measured: what a pipe buffer holds may all be unread.
  const bool likely = t.stdin_broken && t.stdin_bytes_written <= harness::kPipeBufferBytes;
  const bool said_why = std::any_of(t.last_logs.begin(), t.last_logs.end(), [](const auto& l) {
    return l.kind != codec::LogKind::kMsg;
  });
  if (!t.reaped || !t.exit.exited || t.exit.exit_code == 0 || t.stdout_bytes != 0 || !said_why)
    return StartEvidence::kNone;
  return measured ? StartEvidence::kMeasured
         : likely ? StartEvidence::kLikely
                  : StartEvidence::kNone;
}

// How much of stdout is a copy of stdin from byte 0, the whole parameter block or 64 bytes at
// least (as far as the transcript's heads of stdout and stdin go). A line mapper in the style of
// Hadoop streaming copies it too, as "key<TAB>value" lines: a tab it adds to a line is skipped.
// No result list begins so: the block's digits and "\n" make a count of over 2 600.
struct Echo {
  uint64_t stdin_bytes = 0;   // of stdin's head, copied
  uint64_t stdout_bytes = 0;  // of stdout's head, the copy
  uint64_t tabs_added = 0;
};
std::optional<Echo> EchoedStdin(const Transcript& t) {
  const std::string& out = t.stdout_head;
  const std::string& in = t.stdin_head;
  Echo e, line_end;  // line_end: as far as the last whole line of stdin copied
  uint64_t lines = 0;
  while (e.stdin_bytes < in.size() && e.stdout_bytes < out.size()) {
    const char c = out[e.stdout_bytes];
    if (c == in[e.stdin_bytes]) {
      ++e.stdin_bytes, ++e.stdout_bytes;
      if (c == '\n') ++lines, line_end = e;
    } else if (c == '\t' && e.tabs_added <= lines) {  // one tab added to a line at most
      ++e.stdout_bytes, ++e.tabs_added;
    } else {
      break;
    }
  }
  // The head of stdout is capped, and a program stopped early wrote less: a block longer than
  // what it wrote is matched as far as that goes (64 bytes at least). A copy stops at the end of
  // one head; a line mapper's copy may stop where it changed a line: its whole lines count.
  const bool whole = e.stdin_bytes == in.size() || e.stdout_bytes == out.size();
  if (!whole) {
    if (line_end.tabs_added == 0) return std::nullopt;
    e = line_end;
  }
  // A whole line copied with a tab added ("60\t\n" for the block's "60\n") is no result list
  // either: its count would exceed any limit.
  const uint64_t need = std::min<uint64_t>({t.param_block_size, harness::kMaxExcerptBytes, 64});
  if (line_end.tabs_added > 0) return e;
  if (e.stdin_bytes < std::max<uint64_t>(need, 2)) return std::nullopt;
  return e;
}

// How a program may have written its lists instead of little-endian u32 counts and lengths,
// each list alone.
struct ListEncoding {
  int count_width = 4;  // 0: no count (each pair written alone, as if it were its own list)
  bool count_big_endian = false;
  int length_width = 4;
  bool length_big_endian = false;
  const char* what;             // for the detail
  std::string_view after = "";  // bytes it writes after each list
  uint64_t length_bias = 0;     // it writes each key and value length as the size plus this
  const char* cause = kCauseListEncoding;
  // What the protocol says instead, for the detail ("where ...").
  const char* instead = "every count and length is a u32, little-endian";
  int count_bias = 0;  // it writes each list's count as its pairs plus this (+1 or -1)
};
constexpr char kListsOnly[] = "only result lists belong, one after another";
constexpr char kCountIsPairs[] = "each list's count is the number of pairs after it";

constexpr ListEncoding kOtherEncodings[] = {
    {4, true, 4, false,
     "each list's count as a big-endian u32 (network order: Java's DataOutputStream.writeInt, "
     "Python's struct \">I\")"},
    {8, false, 4, false,
     "each list's count as an 8-byte integer (a u64 or size_t, Python's \"<Q\")"},
    {4, false, 4, true, "each key and value length as a big-endian u32 (network order)"},
    {4, true, 4, true,
     "each count and length as a big-endian u32 (network order: Java's "
     "DataOutputStream.writeInt)"},
    {4, false, 8, false, "each key and value length as an 8-byte integer (a u64 or size_t)"},
    {8, false, 8, false, "each count and length as an 8-byte integer (a u64 or size_t)"},
    {4, false, 4, false, "a newline (\"\\n\") after each list (print(), puts or println)", "\n", 0,
     kCauseBytesAfterList, kListsOnly},
    {4, false, 4, false, "\"\\r\\n\" after each list (a line ending)", "\r\n", 0,
     kCauseBytesAfterList, kListsOnly},
    {4, false, 4, false,
     "each key and value length as the item's size plus 4 (counting the length's own 4 bytes)", "",
     4, kCauseLengthWithHeader, "each length is the size of the item after it alone"},
    {0, false, 4, false, "each pair without a list around it: no count before its pairs", "", 0,
     kCauseListWithoutCount,
     "each list begins with its count, a u32: the number of pairs after it"},
    {4, false, 4, false, "each list's count as one less than the pairs after it (an off-by-one)",
     "", 0, kCauseCountOffByOne, kCountIsPairs, -1},
    {4, false, 4, false, "each list's count as one more than the pairs after it (an off-by-one)",
     "", 0, kCauseCountOffByOne, kCountIsPairs, +1},
};

uint64_t LoadNumber(const std::string& s, size_t at, int width, bool big_endian) {
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    const uint64_t byte = static_cast<unsigned char>(s[at + (big_endian ? i : width - 1 - i)]);
    v = (v << 8) | byte;
  }
  return v;
}

// How many complete lists a stream's head (`out`, of a stream of `total` bytes) reads as under
// `e`, when it reads cleanly (to its end, or to the cap of a longer stream, every length within
// the whole stream) and holds at least one pair's count and lengths (or its count and key length,
// with `key_enough`: a head that ends inside a large first key); nullopt otherwise.
std::optional<uint64_t> ListsUnder(const std::string& out, uint64_t total, const ListEncoding& e,
                                   bool key_enough = false) {
  const bool capped = total > out.size();
  constexpr uint64_t kMaxCount = uint64_t{1} << 20;
  uint64_t lists = 0, pairs = 0;
  size_t at = 0;
  bool header = false;  // a count and a pair's two lengths read
  // The head ends inside a list: clean only if stdout goes on past it and a pair's header was read.
  const auto ran_out = [&] { return capped && header ? std::optional(lists) : std::nullopt; };
  auto take = [&](int width, bool big_endian, uint64_t* v) {
    if (out.size() - at < static_cast<size_t>(width)) return false;
    *v = LoadNumber(out, at, width, big_endian);
    at += width;
    return true;
  };
  while (at < out.size()) {
    uint64_t count = 1;  // (no count written: one pair)
    if (e.count_width > 0 && !take(e.count_width, e.count_big_endian, &count)) return ran_out();
    if (count > kMaxCount) return std::nullopt;
    if (e.count_bias > 0 && count < static_cast<uint64_t>(e.count_bias)) return std::nullopt;
    count = static_cast<uint64_t>(static_cast<int64_t>(count) - e.count_bias);
    for (uint64_t k = 0; k < count; ++k) {
      for (int item = 0; item < 2; ++item) {
        uint64_t length = 0;
        if (!take(e.length_width, e.length_big_endian, &length)) return ran_out();
        if (length < e.length_bias) return std::nullopt;
        length -= e.length_bias;
        if (length > codec::kDefaultMaxItemSize || at + length > total) return std::nullopt;
        header |= item == 1 || key_enough;
        if (out.size() - at < length) return ran_out();
        at += length;
      }
      ++pairs;
    }
    if (!e.after.empty()) {
      const std::string_view rest = std::string_view(out).substr(at, e.after.size());
      if (rest != e.after.substr(0, rest.size())) return std::nullopt;
      if (rest.size() < e.after.size()) return ran_out();
      at += e.after.size();
    }
    ++lists;
  }
  if (pairs == 0) return std::nullopt;
  return lists;
}

// More lists than a lockstep map was sent pairs: it answers at most one list per pair.
bool MoreListsThanPairs(const Transcript& t, uint64_t lists) {
  return t.mode == Mode::kMap && !t.pipeline && lists > t.pairs_queued;
}

// The other encodings stdout reads as cleanly, when the protocol's does not, each with the
// lists it reads, in the order of kOtherEncodings (the first is the one named).
std::vector<std::pair<const ListEncoding*, uint64_t>> OtherEncodings(const Transcript& t) {
  std::vector<std::pair<const ListEncoding*, uint64_t>> out;
  // The protocol's reading fails, or finds a list no pair asked for (8-byte counts of small
  // numbers read as a count and an empty key).
  const bool wrong = t.stdout_error.kind != codec::StreamError::Kind::kNone || t.extra_list;
  if (!wrong || t.stdout_head.empty()) return out;
  for (const ListEncoding& e : kOtherEncodings) {
    const auto lists = ListsUnder(t.stdout_head, t.stdout_bytes, e);
    if (!lists || MoreListsThanPairs(t, *lists)) continue;
    // An extra list the only sign: this reading must take all of stdout, in fewer lists (a
    // separator makes the next list's count start early: as many lists).
    if (t.stdout_error.kind == codec::StreamError::Kind::kNone &&
        (t.stdout_bytes > t.stdout_head.size() || *lists == 0 ||
         *lists + (e.after.empty() ? 1 : 0) > t.lists_started))
      continue;
    out.emplace_back(&e, *lists);
  }
  return out;
}

// How many complete result lists stderr's head reads as, in the protocol's own encoding, when
// stdout holds none and stderr is not all log lines; nullopt otherwise. (No text reads so: its
// first four bytes make a count of millions; so a count and a key length are enough.)
std::optional<uint64_t> ListsOnStderr(const Transcript& t) {
  if (t.lists_started != 0 || t.other_lines + t.unterminated_lines == 0) return std::nullopt;
  constexpr ListEncoding kProtocol{4, false, 4, false, "the protocol's"};
  const auto lists = ListsUnder(t.stderr_head, t.stderr_bytes, kProtocol, true);
  if (!lists || MoreListsThanPairs(t, *lists)) return std::nullopt;
  return lists;
}

// The report of an error the program did not handle, from its stderr lines that are not log
// lines (the first kMaxLogRecords and the last kMaxTailLogRecords).
std::optional<CrashReport> CrashReportOf(const Transcript& t) {
  std::vector<std::string> lines;
  for (const harness::LogRecord* l : ProgramLines(t))
    if (l->kind != codec::LogKind::kMsg && l->kind != codec::LogKind::kErr) lines.push_back(l->raw);
  return FindCrashReport(lines);
}

// Where an error was raised, to group by (else the error's kind, the text before any ':').
std::string SiteOf(const CrashReport& r) {
  return !r.location.empty() ? r.location : r.error.substr(0, r.error.find(':'));
}

std::string LastLines(const Transcript& t) {
  std::string out;
  for (const harness::LogRecord& l : t.last_logs) {
    if (l.kind == codec::LogKind::kMsg) continue;
    absl::StrAppend(&out, out.empty() ? "\"" : " / \"", EscapeBytes(l.raw, 160), "\"");
  }
  return out;
}

}  // namespace

bool StoppedAtStdoutViolation(const Transcript& t) {
  return !t.stdout_error.ok() && t.stdout_error.kind != codec::StreamError::Kind::kTruncated;
}

void InferRootCause(const Case& c, const Transcript& t, std::vector<CheckResult>* checks) {
  if (std::none_of(checks->begin(), checks->end(), IsFailed)) return;
  CheckResult* framing = Find(checks, "framing");
  if (const auto echoed = EchoedStdin(t); echoed && framing) {
    const std::string copied =
        echoed->tabs_added == 0
            ? absl::StrCat("stdout's first ", echoed->stdin_bytes, " byte(s) are stdin's first ",
                           echoed->stdin_bytes)
            : absl::StrCat("stdout's first ", echoed->stdout_bytes, " byte(s) are stdin's first ",
                           echoed->stdin_bytes, " with ", echoed->tabs_added,
                           " tab(s) added, as \"key<TAB>value\" lines");
    *framing = {
        "framing",
        Verdict::kFailed,
        "R4.2",
        absl::StrCat("copies its stdin to stdout", echoed->tabs_added == 0 ? "" : " line by line",
                     ": ", copied, " (the parameter block \"", EscapeBytes(t.param_block, 24),
                     "\" and the pairs as sent), where only result lists belong: ",
                     echoed->tabs_added == 0 ? "a filter such as cat"
                                             : "a line mapper in the style of Hadoop streaming",
                     ", not a program that answers pairs"),
        kCauseEchoesStdin,
        std::nullopt};
    MarkConsequences(c, "framing", checks);
    return;
  }
  if (const auto others = OtherEncodings(t); !others.empty() && framing) {
    // (framing is OK when the extra list was the only sign: the defect is still its encoding)
    const auto* other = &others.front();
    const ListEncoding& e = *other->first;
    const bool after = !e.after.empty();
    *framing = {"framing",
                Verdict::kFailed,
                after                                                           ? "R4.2"
                : e.count_width != 4 || e.count_big_endian || e.count_bias != 0 ? "R4.1"
                                                                                : "R3.1",
                absl::StrCat(after ? "writes more than result lists on stdout, "
                                   : "writes its lists in another encoding, ",
                             e.what, ": its stdout's first ", t.stdout_head.size(),
                             " byte(s) read cleanly that way (", other->second,
                             " complete result list(s)), where ", e.instead),
                e.cause,
                std::nullopt};
    // A stdout may read cleanly more ways than one (20 NUL-heavy bytes): the run settles
    // on the encoding its other cases show.
    for (const auto& [fits, lists] : others)
      if (fits->cause != e.cause && std::find(framing->also_fits.begin(), framing->also_fits.end(),
                                              fits->cause) == framing->also_fits.end())
        framing->also_fits.push_back(fits->cause);
    MarkConsequences(c, "framing", checks);
    return;
  }
  CheckResult* log = Find(checks, "log");
  if (const auto lists = ListsOnStderr(t); lists && log && IsFailed(*log)) {
    *log = {"log",
            Verdict::kFailed,
            "R7.1",
            absl::StrCat("writes its result lists to stderr instead of stdout: stderr's first ",
                         t.stderr_head.size(), " byte(s) read cleanly as ",
                         *lists > 0 ? absl::StrCat(*lists, " complete result list(s)")
                                    : std::string("the start of a list too long for them"),
                         ", where only **<MSG> and **<ERR> lines belong, and stdout holds no "
                         "list"),
            kCauseListsOnStderr,
            std::nullopt};
    MarkConsequences(c, "log", checks);
    return;
  }
  CheckResult* params = Find(checks, "params");
  if (params && IsFailed(*params)) {
    // The skipper probe (checks.h CheckParams) already located it.
    if (params->cause.empty()) params->cause = kCauseSkipsParams;
    MarkConsequences(c, "params", checks);
    return;
  }
  // The input, rebuilt once for the models of misreading programs (a case's may be 32 MiB).
  std::optional<InputStream> input;
  const auto in = [&]() -> const InputStream& {
    if (!input) input = RebuildInput(c, t);
    return *input;
  };
  if (auto m = CrashSaysNothing(t) ? std::nullopt : MisreadIn(in(), t)) {
    CheckResult* root = Find(checks, MisreadCheck(m->where));
    *root = {root->check,         Verdict::kFailed,       MisreadRule(m->where),
             DescribeMisread(*m), MisreadCause(m->where), std::nullopt};
    root->also_fits = m->also_fits;
    root->rules_out = m->rules_out;
    MarkConsequences(c, root->check, checks);
    return;
  }
  CheckResult* exit = Find(checks, "exit");
  // (exit is SKIPPED after a signal: then the crash check is the one that ended it)
  CheckResult* ended = Find(checks, t.exit.term_signal > 0 ? "crash" : "exit");
  const bool ended_failed = ended && IsFailed(*ended);
  const std::optional<CrashReport> report =
      ended_failed ? CrashReportOf(t) : std::optional<CrashReport>();
  const StartEvidence start = CouldNotStart(t);
  // A program that died of its own error at its first bytes (a key too large, say) looks like one
  // that could not start when stdin broke early: its runtime's report tells them apart.
  if (exit && IsFailed(*exit) &&
      (start == StartEvidence::kMeasured || (start == StartEvidence::kLikely && !report))) {
    exit->cause = kCauseCouldNotStart;
    if (report) exit->site = SiteOf(*report);  // the error that stopped it, as for uncaught-error
    exit->detail = absl::StrCat("the program ended before reading any input (exit ",
                                t.exit.exit_code,
                                t.exit.exit_code == 127   ? ": a shell's \"command not found\""
                                : t.exit.exit_code == 126 ? ": a shell's \"not executable\""
                                                          : "",
                                "); its stderr: ", LastLines(t));
    MarkConsequences(c, "exit", checks);
    return;
  }
  CheckResult* flushing = Find(checks, "flushing");
  // An error it did not handle, as its runtime reports it: the exit (or the signal) is the
  // defect; the report's unprefixed lines and the input left unread followed from it. (A map
  // that stalled first, waiting or buffered, and died at end-of-input is the stall's.)
  // (An error writing to the pipe the driver closed at a violation on stdout is the violation's.)
  const bool driver_stopped_it = StoppedAtStdoutViolation(t);
  const bool broken_pipe = report && (absl::StrContains(report->error, "BrokenPipe") ||
                                      absl::StrContains(report->error, "EPIPE") ||
                                      absl::StrContains(report->error, "Broken pipe"));
  if (report && !(flushing && IsFailed(*flushing)) && !(driver_stopped_it && broken_pipe)) {
    absl::StrAppend(&ended->detail, ": it died of an error it did not handle: ",
                    EscapeBytes(DescribeCrashReport(*report), 240));
    ended->cause = kCauseUncaughtError;
    ended->site = SiteOf(*report);
    MarkConsequences(c, ended->check, checks);
    return;
  }
  if (flushing && framing && !IsFailed(*flushing) && IsFailed(*framing) && WaitedForInput(t)) {
    if (const harness::ListRecord* r = ListCompletedAfterClose(t)) {
      const uint64_t got = t.stall->stdout_bytes - r->stdout_offset;
      *flushing = {
          "flushing", Verdict::kFailed, "R5.2",
          absl::StrCat("buffered its output: the result list for pair ", r->index,
                       " (stdout offset ", r->stdout_offset, ") stopped after ", got,
                       " byte(s) while the program waited for more input (it had read the whole "
                       "pair), and was completed only after stdin was closed",
                       t.stall->stdout_bytes % 512 == 0
                           ? absl::StrCat(": stdout held a whole number of ",
                                          t.stall->stdout_bytes % 4096 == 0 ? 4096 : 512,
                                          "-byte blocks, as a full output buffer writes them")
                           : "",
                       " (flush after every list)"),
          kCauseBuffered, std::nullopt};
    }
  }
  if (flushing && IsFailed(*flushing)) {
    if (flushing->cause.empty()) {
      const uint64_t k = t.stalled_pair.value_or(0);
      const bool late = k < t.lists.size() && t.lists[k].started_after_stdin_closed;
      flushing->cause = late ? kCauseBuffered : kCauseWaitsForInput;
      if (!late) flushing->also_fits = MisreadsWaitingAt(in(), t);
    }
    MarkConsequences(c, "flushing", checks);
    return;
  }
  // The driver stopped at a violation on stdout (not a list cut short by the program's own end)
  // and killed the program: what it did after, a traceback of the broken pipe, an exit, input
  // left unread, followed from that.
  if (!driver_stopped_it) return;
  for (const char* violated : {"framing", "limits"}) {
    const CheckResult* v = Find(checks, violated);
    if (v && IsFailed(*v) && !v->caused_by) {
      MarkConsequences(c, violated, checks);
      return;
    }
  }
}

}  // namespace dxt::judge
