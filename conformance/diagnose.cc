#include "conformance/diagnose.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "codec/jsonl.h"
#include "codec/kv_frame.h"
#include "judge/diagnosis.h"

namespace dxt::conformance {
namespace {

// Short items ("a", "v") appear in any text by chance; only longer ones identify a value.
constexpr size_t kMinNamedBytes = 3;

std::optional<std::string> LineNamingInput(const judge::CaseResult& r,
                                           const std::vector<OwnedPair>& input) {
  std::vector<std::string> items;
  for (const OwnedPair& p : input)
    for (const std::string* item : {&p.second, &p.first})
      if (item->size() >= kMinNamedBytes) items.push_back(*item);
  return LineNamingItem(r.stderr_lines, items);
}

// The line with every quoted part ("...", '...') blanked, its quotes written as '': lines that
// differ only in the value they quote are the same complaint (Python's repr quotes bytes holding
// a ' with ").
std::string Template(std::string_view line) {
  std::string out;
  char quote = 0;
  bool escaped = false;
  for (char c : line) {
    if (quote) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == quote) {
        out.push_back('\'');
        quote = 0;
      }
      continue;
    }
    const bool opens = c == '"' || c == '\'';
    out.push_back(opens ? '\'' : c);
    if (opens) quote = c;
  }
  return out;
}

// Its stderr holds its result lists (and so the input values they echo): no complaint.
bool ListsOnStderr(const judge::CaseResult& r) {
  return judge::HasCause(r.checks, judge::kCauseListsOnStderr);
}

// A line cut short inside a long quoted value (log lines are capped) still matches on what it
// has.
bool SameComplaint(const judge::CaseResult& r, const std::string& tmpl) {
  for (std::string_view line : ComplaintLines(r.stderr_lines)) {
    const std::string t = Template(line);
    if (t == tmpl) return true;
    const size_t quotes = std::count(t.begin(), t.end(), '\'');
    if (quotes % 2 == 1 && tmpl.compare(0, t.size(), t) == 0) return true;
  }
  return false;
}

size_t Indent(std::string_view line) {
  const size_t at = line.find_first_not_of(" \t");
  return at == std::string_view::npos ? line.size() : at;
}

// A Python traceback's frame line: `  File "x.py", line 3, in f`.
bool PythonFrame(std::string_view rest) {
  return rest.substr(0, 6) == "File \"" && rest.find("\", line ") != std::string_view::npos;
}

// A frame of another runtime's stack trace: Java, JavaScript and C# `    at f(X.java:3)`, Ruby
// `\tfrom x.rb:3:in 'f'` (and Java's `\t... 3 more`), Go's `\t/src/x.go:3 +0x1d`: a location, with
// a digit in it.
bool OtherFrame(std::string_view line, std::string_view rest) {
  if (rest.find_first_of("0123456789") == std::string_view::npos) return false;
  const auto starts = [&](std::string_view s) { return rest.substr(0, s.size()) == s; };
  const bool more = starts("... ") && rest.size() >= 9 && rest.substr(rest.size() - 5) == " more";
  if (Indent(line) > 0 && (starts("at ") || starts("from ") || more)) return true;
  return line.front() == '\t' && starts("/") && rest.find(".go:") != std::string_view::npos;
}

}  // namespace

std::vector<std::string_view> ComplaintLines(const std::vector<std::string>& lines) {
  std::vector<std::string_view> out;
  std::optional<size_t> frame_indent;  // of the Python frame line just seen
  for (const std::string& line : lines) {
    const std::string_view rest = std::string_view(line).substr(Indent(line));
    if (rest.empty() || line == "Traceback (most recent call last):") continue;
    if (PythonFrame(rest)) {
      frame_indent = Indent(line);
      continue;
    }
    // The source line the frame quotes and the carets under it: indented deeper than the frame.
    if (frame_indent && Indent(line) > *frame_indent) continue;
    frame_indent.reset();
    if (OtherFrame(line, rest)) continue;
    out.push_back(line);
  }
  return out;
}

std::optional<std::string> LineNamingItem(const std::vector<std::string>& lines,
                                          const std::vector<std::string>& items) {
  std::vector<std::string> named;
  for (const std::string& item : items) {
    if (item.size() >= kMinNamedBytes) {
      named.push_back(item);
    } else {
      for (char quote : {'"', '\''}) named.push_back(quote + item + quote);
    }
  }
  for (std::string_view line : ComplaintLines(lines))
    for (const std::string& item : named)
      if (line.find(item) != std::string_view::npos) return std::string(line);
  return std::nullopt;
}

std::optional<RejectedValues> FindRejectedValues(const std::vector<CaseRef>& plan,
                                                 const std::vector<SuiteResult>& results,
                                                 const MaterialiseOptions& options) {
  if (options.domain.declared()) return std::nullopt;
  RejectedValues out;
  std::optional<std::string> tmpl;  // of the first line naming a value
  for (size_t i = 0; i < results.size() && i < plan.size(); ++i) {
    const judge::CaseResult& r = results[i].result;
    if (r.verdict != Verdict::kFailed || r.stderr_lines.empty() || ListsOnStderr(r)) continue;
    bool explained = tmpl && SameComplaint(r, *tmpl);
    if (!explained && !plan[i].entry->heavy) {
      // Another complaint: it counts only if it names this case's own input.
      auto line = LineNamingInput(r, GenerateInput(plan[i].entry->input));
      if (line && !tmpl) {
        tmpl = Template(*line);
        out.example = i;
        out.example_line = *line;
      }
      explained = line.has_value();
    }
    if (explained) out.cases.push_back(i);
  }
  if (out.cases.empty()) return std::nullopt;
  // Cases before the first named value with the same complaint.
  std::vector<size_t> all;
  for (size_t i = 0; i < results.size() && i < plan.size(); ++i) {
    const judge::CaseResult& r = results[i].result;
    bool listed = std::find(out.cases.begin(), out.cases.end(), i) != out.cases.end();
    if (listed || (r.verdict == Verdict::kFailed && !ListsOnStderr(r) && SameComplaint(r, *tmpl)))
      all.push_back(i);
  }
  out.cases = std::move(all);
  return out;
}

uint32_t ByteClassesOf(std::string_view bytes) {
  uint32_t m = 0;
  for (unsigned char c : bytes) {
    if (c == 0) {
      m |= kByteNul;
    } else if (c == '\r') {
      m |= kByteCr;
    } else if (c == '\n') {
      m |= kByteLf;
    } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
      m |= kByteControl;
    } else if (c >= 0x80) {
      m |= kByteHigh;
    }
  }
  if ((m & kByteHigh) && !codec::IsValidUtf8(bytes)) m |= kByteNotUtf8;
  return m;
}

std::vector<CaseBytes> ClassifyCaseBytes(const std::vector<CaseRef>& plan,
                                         const std::vector<SuiteResult>& results,
                                         const MaterialiseOptions& options) {
  constexpr uint64_t kPlainInput = uint64_t{1} << 20;
  const bool any_failed = std::any_of(results.begin(), results.end(), [](const SuiteResult& r) {
    return r.result.verdict == Verdict::kFailed;
  });
  if (!any_failed) return {};
  std::vector<CaseBytes> out(results.size());
  for (size_t i = 0; i < results.size() && i < plan.size(); ++i) {
    if (results[i].result.verdict == Verdict::kSkipped) continue;
    const Entry& e = *plan[i].entry;
    const judge::Case c = Materialise(e, plan[i].mode, options);
    CaseBytes& b = out[i];
    b.known = true;
    uint64_t size = 0;
    uint32_t lengths = 0;  // of the pairs' u32 lengths
    uint64_t frames = 0, first_frame = 0, largest_frame = 0;
    for (const OwnedPair& p : c.input) {
      b.keys |= ByteClassesOf(p.first);
      b.values |= ByteClassesOf(p.second);
      b.empty_key |= p.first.empty();
      b.empty_value |= p.second.empty();
      size += p.first.size() + p.second.size();
      b.largest = std::max<uint64_t>({b.largest, p.first.size(), p.second.size()});
      const uint64_t frame = codec::PairFrameSize(p.first, p.second);
      if (frames == 0) first_frame = frame;
      frames += frame;
      largest_frame = std::max(largest_frame, frame);
      for (const std::string* item : {&p.first, &p.second}) {
        std::string length;
        codec::AppendU32(&length, static_cast<uint32_t>(item->size()));
        lengths |= ByteClassesOf(length);
      }
    }
    if (c.raw_params) b.params |= ByteClassesOf(*c.raw_params);
    for (const auto& [key, value] : c.params) b.params |= ByteClassesOf(key) | ByteClassesOf(value);
    const std::string block = judge::ParamBlockOf(c);
    b.pairs = c.input.size();
    b.reduce = plan[i].mode == harness::Mode::kReduce;
    b.block_body = block != "0\n";
    b.stream = b.keys | b.values | b.params | lengths | ByteClassesOf(block);
    b.chunked = e.chunking.active();
    b.plain = !e.heavy && !b.chunked && size <= kPlainInput;
    // A reduce is sent all of it at once; a map its block with pair 0, then one pair at a time.
    const uint64_t at_once = plan[i].mode == harness::Mode::kReduce
                                 ? block.size() + frames
                                 : std::max(block.size() + first_frame, largest_frame);
    b.several_reads = b.chunked || at_once > harness::kPipeBufferBytes;
    if (b.plain && plan[i].mode == harness::Mode::kMap && !c.input.empty()) {
      std::string stream = block;
      for (const OwnedPair& p : c.input) (void)codec::AppendPair(&stream, p.first, p.second);
      b.skipper_miscounts =
          judge::ReadPairsFrom(stream, judge::kSkipperStart).pairs.size() != c.input.size();
    }
  }
  return out;
}

namespace {

using judge::CaseResult;
using judge::CheckResult;

std::string CaseName(const CaseResult& r) {
  return absl::StrCat(r.id, " [", harness::ModeName(r.mode), "]");
}

bool IsRoot(const CheckResult& c) { return c.verdict == Verdict::kFailed && !c.caused_by; }

// What to change, by cause (or check and rule), in the program's language where dxt knows it.
std::string FixHint(const RootProblem& p, Language lang) {
  const std::string& c = p.cause;
  const char* kParams =
      "read the `<len>\\n` parameter block before the first pair: the decimal length up to its "
      "\"\\n\", then exactly that many bytes";
  if (c == judge::kCauseBuffered) {
    switch (lang) {
      case Language::kCStdio:
        return "call fflush(stdout) after writing each list (or setvbuf(stdout, NULL, _IONBF, 0) "
               "before the first)";
      case Language::kPython:
        return "call sys.stdout.buffer.flush() after writing each list, or run it with `python -u`";
      case Language::kJava:
        return "flush the output stream after writing each list (System.out.flush())";
      default: return "flush stdout after writing each list";
    }
  }
  if (c == judge::kCauseWaitsForInput)
    return "write and flush the list for each pair before reading the next pair; if it does, it "
           "waits for bytes it believes the pair still owes: check how it reads the pair, "
           "<u32 key length><key><u32 value length><value>, each length little-endian";
  if (c == judge::kCauseSkipsParams) return kParams;
  if (c == judge::kCausePastParams)
    return absl::StrCat(kParams,
                        " - and nothing more: scanf's \"%u\\n\" also eats whitespace bytes of the "
                        "first pair (read the length line with fgets, or \"%u\" and one getchar)");
  if (c == judge::kCauseDiscoCParams)
    return "Disco's C library (ext/disco.c) misreads keys and values that begin with whitespace "
           "(R2.5): parse the block by its lengths, or give the program no such parameters";
  if (c == judge::kCauseShortRead) {
    const char* kFrame = "; a pair is <u32 key length><key><u32 value length><value>, little-endian";
    switch (lang) {
      case Language::kPython:
        return absl::StrCat("read in a loop until all n bytes of an item are in (a raw stream's "
                            "read returns what has arrived)", kFrame);
      case Language::kJava:
        return absl::StrCat("InputStream.read returns what has arrived: read items with "
                            "DataInputStream.readFully", kFrame);
      case Language::kJavaScript:
        return absl::StrCat(
            "a 'data' event's chunk is what has arrived: append the chunks to one "
            "buffer and take a pair out only once all its bytes are in",
            kFrame);
      default:
        return absl::StrCat("a read(2) from a pipe returns what has arrived: repeat it until all "
                            "the bytes of an item are in (or use fread)", kFrame);
    }
  }
  if (c == judge::kCauseBigEndianLengths) {
    const char* kHow = "read each key and value length as 4 bytes, little-endian";
    switch (lang) {
      case Language::kPython:
        return absl::StrCat(kHow, ": struct.unpack(\"<I\", b), not \">I\" or \"!I\"");
      case Language::kJava:
        return absl::StrCat(kHow,
                            ": Integer.reverseBytes(in.readInt()) (DataInputStream reads "
                            "big-endian), or a ByteBuffer in ByteOrder.LITTLE_ENDIAN");
      case Language::kJavaScript:
        return absl::StrCat(kHow, ": buf.readUInt32LE(offset), not readUInt32BE");
      default:
        return absl::StrCat(kHow,
                            ": b[0] | b[1] << 8 | b[2] << 16 | b[3] << 24, not ntohl (Go: "
                            "binary.LittleEndian)");
    }
  }
  if (c == judge::kCauseCouldNotStart)
    return "make the program start: it exited before reading any input (a shell's exit 127: the "
           "command it runs was not found; 126: not executable); its stderr says why";
  if (c == judge::kCauseListEncoding) {
    const char* kHow = "write each count and each key and value length as 4 bytes, little-endian";
    switch (lang) {
      case Language::kPython:
        return absl::StrCat(kHow, ": struct.pack(\"<I\", n)");
      case Language::kJava:
        return absl::StrCat(kHow,
                            ": ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)"
                            ".putInt(n), or Integer.reverseBytes(n) for writeInt");
      default:
        return absl::StrCat(kHow, " (a uint32_t on x86 and ARM, htole32 elsewhere)");
    }
  }
  if (c == judge::kCauseLengthWithHeader) {
    const char* kHow =
        "write each key and value length as the size of the item alone, not counting the 4 bytes "
        "of the length itself";
    return lang == Language::kPython ? absl::StrCat(kHow, ": struct.pack(\"<I\", len(item))")
                                     : std::string(kHow);
  }
  if (c == judge::kCauseListWithoutCount) {
    const char* kHow =
        "begin each list with its count, the number of pairs after it as 4 bytes little-endian "
        "(0 for none), a map one list per pair it reads";
    return lang == Language::kPython ? absl::StrCat(kHow, ": struct.pack(\"<I\", len(pairs))")
                                     : std::string(kHow);
  }
  if (c == judge::kCauseListAtEnd)
    return "write each pair's output in that pair's own list, as soon as the pair is read, and "
           "nothing after the last: a map keeps nothing for the end of its input (gather across "
           "pairs in a reduce)";
  if (c == judge::kCauseCountOffByOne)
    return lang == Language::kPython
               ? "write each list's count as the number of pairs written after it, exactly: "
                 "struct.pack(\"<I\", len(pairs)), computed once the list's pairs are known"
               : "write each list's count as the number of pairs written after it, exactly "
                 "(computed once the list's pairs are known)";
  if (c == judge::kCauseUncaughtError)
    return "fix the error its runtime reports (above, with where it was raised); an input the "
           "program cannot take is worth a **<ERR> line that says why, not a crash";
  if (c == judge::kCauseBytesAfterList) {
    const char* kHow =
        "write nothing between lists: a list is its count and its pairs, and the "
        "next list's count follows at once";
    switch (lang) {
      case Language::kPython:
        return absl::StrCat(kHow, " (sys.stdout.buffer.write(data), not print or a \"\\n\")");
      case Language::kJava:
        return absl::StrCat(kHow, " (write(bytes), not println)");
      default:
        return absl::StrCat(kHow, " (fwrite, not puts or a \"\\n\")");
    }
  }
  if (c == judge::kCauseListsOnStderr) {
    const char* kHow =
        "write the result lists to stdout, and nothing but **<MSG> and **<ERR> "
        "lines to stderr";
    switch (lang) {
      case Language::kCStdio:
        return absl::StrCat(kHow, ": fwrite(..., stdout), not stderr");
      case Language::kPython:
        return absl::StrCat(kHow, ": sys.stdout.buffer, not sys.stderr");
      case Language::kJava:
        return absl::StrCat(kHow, ": System.out, not System.err");
      default:
        return absl::StrCat(kHow, " (file descriptor 1, not 2)");
    }
  }
  if (c == judge::kCauseEchoesStdin)
    return "read the parameter block, then each pair, and write result lists (a u32 count, then "
           "that many pairs) - never the input itself";
  if (c == kCauseEmptyItem)
    return "handle a key or value of 0 bytes (its length is 0 and no byte follows); a map answers "
           "every pair with one list: the empty list (count 0, the bytes \"\\0\\0\\0\\0\") "
           "when it has no output";
  if (c == kCauseLargeItem)
    return lang == Language::kCStdio || lang == Language::kUnknown
               ? "size each buffer by the length just read (malloc(len)), never a fixed array; an "
                 "item may be up to 1 GiB (or refuse a larger one with a **<ERR> line that says "
                 "so)"
               : "handle keys and values of any size up to 1 GiB (or refuse a larger one with a "
                 "**<ERR> line that says so)";
  if (c == kCauseStopsEarly)
    return "read pairs in a loop until stdin ends (a read of 0 bytes), answering each in turn; "
           "never exit or stop reading after the first";
  if (c == kCauseNeedsParams)
    return "run without parameters too: a job with none sends the block \"0\\n\"; give each "
           "parameter a default, or say which one is missing in a **<ERR> line";
  if (c == kCauseInterpretsBytes && p.check == "params")
    return "parse the block's body by its lengths: for each entry `<len> <key> <len> <value>\\n`, "
           "read the decimal length, one space, then exactly that many bytes (a key or value may "
           "hold spaces, newlines and any byte)";
  if (c == kCauseInterpretsBytes) {
    switch (lang) {
      case Language::kPython:
        return "read and write bytes: sys.stdin.buffer and sys.stdout.buffer (text streams decode "
               "UTF-8 and translate \"\\r\\n\"), slices of bytes, never str";
      case Language::kJava:
        return "read and write bytes (DataInputStream, DataOutputStream, byte[]), never a Reader, "
               "Writer or String";
      default:
        return p.byte_class == kByteNul
                   ? "copy keys and values by their lengths (fread, fwrite, memcpy), never as C "
                     "strings (strlen, strcpy, printf's %s end at NUL)"
                   : "copy keys and values by their lengths as bytes: never decode them, read them "
                     "as lines or open stdin or stdout in text mode";
    }
  }
  if (c == kCauseRejectsValues)
    return "the catalogue sends arbitrary bytes; if the program accepts only some inputs, declare "
           "them and run again: --values decimal|words|lines (what its values are), or "
           "--input-sample FILE (a sample of its real input: JSON lines as `dxt decode` writes "
           "them, or pair frames)";
  if (p.check == "framing" && p.rule == "R4.2")
    return "write nothing but result lists on stdout; messages go to stderr as **<MSG> lines";
  if (p.check == "log" && p.rule == "R7.1")
    return "begin every stderr line with **<MSG> or **<ERR>";
  if (p.check == "log" && p.rule == "R7.3") return "end every stderr line with \"\\n\"";
  if (p.check == "hang" && p.rule == "R5.4")
    return "exit promptly (status 0) when stdin reaches end-of-input";
  if (p.check == "consumption" && p.rule == "R6.1") return "read stdin to end-of-input before exiting";
  if (p.check == "map-protocol") return "write exactly one list per pair, after reading that pair";
  if (c == judge::kCauseJvmPerfData)
    return "the JVM writes its performance counters to /tmp/hsperfdata_<user>: start java with "
           "-XX:-UsePerfData";
  if (c == judge::kCausePythonBytecode)
    return "Python caches the modules it imports in __pycache__: run it with `python3 -B` (or "
           "PYTHONDONTWRITEBYTECODE=1)";
  if (p.check == "sandbox") return "write files nowhere but to stdout/stderr (R1.3)";
  return "";
}

std::string RejectedDetail(const RejectedValues& r, const std::vector<CaseResult>& results) {
  size_t failed = 0;
  for (const CaseResult& c : results) failed += c.verdict == Verdict::kFailed;
  return absl::StrCat(
      "the program rejects the catalogue's input values: ", r.cases.size(), " of ", failed,
      " FAILED case(s) fail with the same complaint on stderr, which names an input key or value: ",
      judge::EscapeBytes(r.example_line, 160));
}

std::string Tail(const std::vector<std::string>& lines, size_t n) {
  std::string out;
  const size_t from = lines.size() > n ? lines.size() - n : 0;
  for (size_t i = from; i < lines.size(); ++i)
    absl::StrAppend(&out, out.empty() ? "\"" : " / \"", judge::EscapeBytes(lines[i], 160), "\"");
  return out;
}

std::string ModeHint(const std::vector<CaseResult>& results) {
  size_t total[2] = {0, 0}, failing[2] = {0, 0}, failed[2] = {0, 0};
  for (const CaseResult& r : results) {
    const int m = r.mode == harness::Mode::kMap ? 0 : 1;
    ++total[m];
    failed[m] += r.verdict == Verdict::kFailed;
    failing[m] += r.verdict == Verdict::kFailed || !r.blocked_by.empty();
  }
  for (int m : {0, 1}) {
    const int other = 1 - m;
    // (Nearly) every case: a case without input passes even a program for the other mode.
    if (total[m] > 0 && failed[m] > 0 && failing[m] * 10 >= total[m] * 9 && total[other] > 0 &&
        failed[other] == 0)
      return m == 0 ? "looks reduce-only: rerun with `--mode reduce` (nearly every map case "
                      "FAILED, no reduce case did)"
                    : "looks map-only: rerun with `--mode map` (nearly every reduce case FAILED, "
                      "no map case did)";
  }
  return "";
}

// Moves the cases of every other problem that `joins` into problem `target` (an index into
// `problems`); `why` says what the moved cases were ("the same defect explains N case(s) <why>
// (e.g. ...)"). Returns the target's index once the problems it took are gone.
size_t FoldInto(const std::vector<CaseResult>& results, size_t target,
                const std::function<bool(const RootProblem&)>& joins, const char* why,
                std::vector<RootProblem>* problems) {
  const auto moves = [&](size_t k) {
    const RootProblem& p = (*problems)[k];
    return k != target && !p.cases.empty() && p.blocked.empty() && joins(p);
  };
  std::vector<size_t> folded;
  for (size_t k = 0; k < problems->size(); ++k)
    if (moves(k))
      folded.insert(folded.end(), (*problems)[k].cases.begin(), (*problems)[k].cases.end());
  if (folded.empty()) return target;
  RootProblem& into = (*problems)[target];
  for (size_t i : folded)
    if (std::find(into.cases.begin(), into.cases.end(), i) == into.cases.end())
      into.cases.push_back(i);
  std::sort(into.cases.begin(), into.cases.end());
  absl::StrAppend(&into.detail, "; the same defect explains ", folded.size(), " case(s) ", why,
                  " (e.g. ", CaseName(results[folded.front()]), ")");
  std::vector<RootProblem> kept;
  size_t at = 0;
  for (size_t k = 0; k < problems->size(); ++k) {
    if (moves(k)) continue;
    if (k == target) at = kept.size();
    kept.push_back(std::move((*problems)[k]));
  }
  *problems = std::move(kept);
  return at;
}

// A program that takes one read(2) for a whole item misreads whenever a read returns part of
// one: in the run's large items, and in any case whose stdin arrived in small pieces. What it
// then does varies (it waits for bytes it thinks are missing, reads a length from the middle of
// an item, allocates for it), so those cases fail by other checks. A problem seen only in such
// cases, in a run that has the short-read problem, is that problem: its cases join it.
void FoldChunkedIntoShortReads(const std::vector<CaseResult>& results,
                               std::vector<RootProblem>* problems) {
  const auto target = std::find_if(problems->begin(), problems->end(), [](const RootProblem& p) {
    return p.cause == judge::kCauseShortRead;
  });
  if (target == problems->end()) return;
  FoldInto(
      results, static_cast<size_t>(target - problems->begin()),
      [&](const RootProblem& p) {
        return std::all_of(p.cases.begin(), p.cases.end(),
                           [&](size_t i) { return results[i].chunked_stdin; });
      },
      "whose stdin arrived in small pieces and that failed otherwise", problems);
}

// One writer writes every list: the encoding of its lists that cases with a short stdout showed
// (counts or lengths of another width or byte order, lengths that count their own 4 bytes, pairs
// without a count, bytes after each list) is also that of the cases whose stdout was too long to
// be tried whole. Those fail as a framing error of another kind (a length from the middle of an
// item, a stream that ends inside one), as an extra list (the protocol's reading finds one), or
// as another encoding that fits their first 4 KiB as well. A framing, map-protocol or limits
// problem seen only in such cases, in a run whose encoding problem was read on a whole stdout, is
// that problem: its cases join it (the encoding problem with the most such cases, if several).
void FoldLongOutputsIntoEncoding(const std::vector<CaseResult>& results,
                                 std::vector<RootProblem>* problems) {
  const auto is_encoding = [](std::string_view cause) {
    return cause == judge::kCauseListEncoding || cause == judge::kCauseLengthWithHeader ||
           cause == judge::kCauseBytesAfterList || cause == judge::kCauseListWithoutCount ||
           cause == judge::kCauseCountOffByOne;
  };
  const auto read_whole = [&](const RootProblem& p) {
    return std::count_if(p.cases.begin(), p.cases.end(),
                         [&](size_t i) { return !results[i].stdout_beyond_head; });
  };
  std::optional<size_t> target;
  for (size_t k = 0; k < problems->size(); ++k) {
    const RootProblem& p = (*problems)[k];
    if (is_encoding(p.cause) && read_whole(p) > 0 &&
        (!target || read_whole(p) > read_whole((*problems)[*target])))
      target = k;
  }
  if (!target) return;
  // An encoding problem whose every case's stdout reads cleanly the target's way too (a short
  // stdout that more than one encoding fits) is the target's.
  const std::string cause = (*problems)[*target].cause;
  const auto fits_target = [&](const RootProblem& p) {
    return is_encoding(p.cause) && p.cause != cause &&
           std::all_of(p.cases.begin(), p.cases.end(), [&](size_t i) {
             return std::any_of(results[i].checks.begin(), results[i].checks.end(),
                                [&](const CheckResult& c) {
                                  return IsRoot(c) && c.cause == p.cause &&
                                         std::find(c.also_fits.begin(), c.also_fits.end(), cause) !=
                                             c.also_fits.end();
                                });
           });
  };
  const size_t into = FoldInto(
      results, *target,
      [&](const RootProblem& p) {
        return (p.check == "framing" || p.check == "map-protocol" || p.check == "limits") &&
               read_whole(p) == 0 && !fits_target(p);
      },
      "whose stdout was too long to be read whole that way and that failed otherwise", problems);
  FoldInto(results, into, fits_target, "whose stdout reads cleanly that way as well as another",
           problems);
}

// A program whose runtime stops it before it reads any input (a module or file it needs is
// missing) fails every case alike, but where stdin broke before dxt could measure what it read
// the same error is an uncaught error at its first bytes: raised where the could-not-start
// problem's error was, it is that problem.
void FoldEarlyErrorsIntoCouldNotStart(const std::vector<CaseResult>& results,
                                      std::vector<RootProblem>* problems) {
  std::vector<std::string> sites;
  for (const RootProblem& p : *problems)
    if (p.cause == judge::kCauseCouldNotStart && !p.site.empty()) sites.push_back(p.site);
  for (const std::string& site : sites) {  // (each fold renumbers the problems)
    const auto start = std::find_if(problems->begin(), problems->end(), [&](const RootProblem& p) {
      return p.cause == judge::kCauseCouldNotStart && p.site == site;
    });
    FoldInto(
        results, static_cast<size_t>(start - problems->begin()),
        [&](const RootProblem& p) {
          return p.cause == judge::kCauseUncaughtError && p.site == site;
        },
        "where its stdin broke before dxt could measure what it read, ended by the same error",
        problems);
  }
}

// Several explanations fit some cases' evidence equally: a program whose stderr says only that
// its input ended early runs out under more than one model of a misreading program (one that
// skips the parameter block, one that reads lengths big-endian), and a map waiting for input
// waits where a misreading one would. Such a case names the first model that fits and lists the
// others (CheckResult::also_fits) and the models its input rules out (the program ran out where
// a model reads to the end: rules_out). One program reads all its input one way: a case whose
// problem is a wait for input, or has a cause some case of the run rules out, joins the problem
// of another cause it fits that no case rules out.
void SettleMisreads(const std::vector<CaseResult>& results, const std::vector<CaseBytes>& bytes,
                    std::vector<RootProblem>* problems) {
  std::set<std::string> ruled_out;
  for (const CaseResult& r : results)
    for (const CheckResult& c : r.checks)
      if (IsRoot(c)) ruled_out.insert(c.rules_out.begin(), c.rules_out.end());
  // A map case it passed that a program skipping the block cannot pass.
  for (size_t i = 0; i < results.size() && i < bytes.size(); ++i)
    if (bytes[i].skipper_miscounts && results[i].verdict == Verdict::kOk)
      ruled_out.insert(judge::kCauseSkipsParams);
  const auto target_of = [&](size_t i, const RootProblem& p) -> RootProblem* {
    for (const CheckResult& c : results[i].checks) {
      if (c.verdict != Verdict::kFailed || c.cause != p.cause) continue;
      for (const std::string& b : c.also_fits) {
        if (ruled_out.count(b) > 0 || b == p.cause) continue;
        for (RootProblem& q : *problems)
          if (&q != &p && q.cause == b) return &q;
      }
    }
    return nullptr;
  };
  struct Move {
    size_t i;  // the case
    RootProblem* from;
    RootProblem* into;
  };
  std::vector<Move> moves;
  for (RootProblem& p : *problems) {
    if (ruled_out.count(p.cause) == 0 && p.cause != judge::kCauseWaitsForInput) continue;
    for (size_t i : p.cases)
      if (RootProblem* into = target_of(i, p)) moves.push_back({i, &p, into});
  }
  if (moves.empty()) return;
  const auto add = [](std::vector<size_t>* v, size_t i) {
    if (std::find(v->begin(), v->end(), i) == v->end()) v->push_back(i);
  };
  const auto drop = [](std::vector<size_t>* v, size_t i) {
    v->erase(std::remove(v->begin(), v->end(), i), v->end());
  };
  std::map<RootProblem*, std::vector<size_t>> joined;
  for (const Move& m : moves) {
    joined[m.into].push_back(m.i);
    drop(&m.from->cases, m.i);  // (a case with another root stays in that one's problem)
    add(&m.into->cases, m.i);
    // SKIPPED cases go with the smoke case that blocked them.
    for (size_t b : std::vector<size_t>(m.from->blocked)) {
      if (results[m.i].id != results[b].blocked_by || results[m.i].mode != results[b].mode)
        continue;
      drop(&m.from->blocked, b);
      add(&m.into->blocked, b);
    }
  }
  for (auto& [into, cases] : joined) {
    std::sort(into->cases.begin(), into->cases.end());
    std::sort(into->blocked.begin(), into->blocked.end());
    absl::StrAppend(&into->detail, "; the same ",
                    into->cause == judge::kCauseWaitsForInput ? "wait" : "misreading", " explains ",
                    cases.size(),
                    " case(s) that failed otherwise, where their evidence fits it as well (e.g. ",
                    CaseName(results[cases.front()]), ")");
  }
  std::vector<RootProblem> kept;
  for (RootProblem& p : *problems) {
    if (p.cases.empty()) continue;
    if (std::find(p.cases.begin(), p.cases.end(), p.example) == p.cases.end()) {
      p.example = p.cases.front();  // its example joined another problem: the next case shows it
      for (const CheckResult& c : results[p.example].checks)
        if (c.verdict == Verdict::kFailed && c.check == p.check && c.cause == p.cause)
          p.detail = c.detail;
    }
    kept.push_back(std::move(p));
  }
  *problems = std::move(kept);
}

constexpr uint32_t kByteClassOrder[] = {kByteNul,     kByteCr,      kByteLf,
                                        kByteControl, kByteNotUtf8, kByteHigh};

const char* ByteClassName(uint32_t c) {
  switch (c) {
    case kByteNul:
      return "a NUL byte";
    case kByteCr:
      return "a CR byte (\"\\r\")";
    case kByteLf:
      return "a newline byte (\"\\n\")";
    case kByteControl:
      return "a control byte";
    case kByteNotUtf8:
      return "bytes that are not valid UTF-8";
    default:
      return "a byte >= 0x80";
  }
}

const char* ByteClassEffect(uint32_t c) {
  switch (c) {
    case kByteNul:
      return "it handles them as C strings, which end at the first NUL";
    case kByteCr:
    case kByteLf:
      return "it handles them as text lines (newline translation, line reads)";
    case kByteControl:
      return "it interprets them";
    default:
      return "it decodes them as text";
  }
}

double LogChoose(size_t n, size_t k) {
  return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
}

// Where in a case's items a kind of byte is looked for (kParams: its parameters' keys and
// values); kBlock/kEmptyBlock: whether its parameter block has a body / is "0\n" (the one
// "class" there is kHasProperty), kEmptyKey/kEmptyValue: whether a pair has an empty key/value
// (likewise).
enum class ItemsWhere {
  kAny,
  kKeys,
  kValues,
  kParams,
  kBlock,
  kEmptyBlock,
  kEmptyKey,
  kEmptyValue,
  kSeveralPairs,        // more than one input pair
  kSeveralMapPairs,     // a map case with more than one input pair
  kSeveralReducePairs,  // a reduce case with more than one input pair
  kLarge,               // a key or value larger than Separator::above bytes
  kSeveralReads,        // CaseBytes::several_reads
};
constexpr uint32_t kHasProperty = uint32_t{1} << 30;

// The properties of how many pairs a case sends.
bool ByPairs(ItemsWhere w) {
  return w == ItemsWhere::kSeveralPairs || w == ItemsWhere::kSeveralMapPairs ||
         w == ItemsWhere::kSeveralReducePairs;
}

uint32_t ClassesIn(const CaseBytes& b, ItemsWhere where) {
  switch (where) {
    case ItemsWhere::kKeys:
      return b.keys;
    case ItemsWhere::kValues:
      return b.values;
    case ItemsWhere::kParams:
      return b.params;
    case ItemsWhere::kBlock:
      return b.block_body ? kHasProperty : 0;
    case ItemsWhere::kEmptyBlock:
      return b.block_body ? 0 : kHasProperty;
    case ItemsWhere::kEmptyKey:
      return b.empty_key ? kHasProperty : 0;
    case ItemsWhere::kEmptyValue:
      return b.empty_value ? kHasProperty : 0;
    case ItemsWhere::kSeveralPairs:
      return b.pairs > 1 ? kHasProperty : 0;
    case ItemsWhere::kSeveralMapPairs:
      return b.pairs > 1 && !b.reduce ? kHasProperty : 0;
    case ItemsWhere::kSeveralReducePairs:
      return b.pairs > 1 && b.reduce ? kHasProperty : 0;
    default:
      return b.keys | b.values | b.params;
  }
}

// Counts over the plain cases that ran and were not blocked: how many hold the class, how many
// of those FAILED, how many do not, how many of those FAILED.
struct ClassCounts {
  size_t with = 0, failed_with = 0, without = 0, failed_without = 0;
  // The chance that failed_with or more of the FAILED cases would hold the class if failing had
  // nothing to do with it (one-sided Fisher's exact test: the hypergeometric tail).
  double Chance() const {
    const size_t n = with + without, failed = failed_with + failed_without;
    double p = 0;
    for (size_t k = failed_with; k <= std::min(with, failed); ++k)
      p += std::exp(LogChoose(with, k) + LogChoose(without, failed - k) - LogChoose(n, failed));
    return p;
  }
  // 1e-4: about twenty kinds and places are tried per run.
  bool Separates() const {
    return failed_with >= 3 && failed_with * 2 >= with && failed_without * 5 <= without &&
           failed_with * without >= 3 * failed_without * with && Chance() < 1e-4;
  }
};

// (`counted`: which cases count; `has`: which have the property)
template <typename Counted, typename Has>
ClassCounts CountWhere(const std::vector<CaseResult>& results, const std::vector<CaseBytes>& bytes,
                       Counted counted, Has has) {
  ClassCounts n;
  for (size_t i = 0; i < results.size(); ++i) {
    const CaseBytes& b = bytes[i];
    if (!b.known || !counted(b) || !results[i].blocked_by.empty()) continue;
    const bool failed = results[i].verdict == Verdict::kFailed;
    if (has(b)) {
      ++n.with;
      n.failed_with += failed;
    } else {
      ++n.without;
      n.failed_without += failed;
    }
  }
  return n;
}

ClassCounts CountClass(const std::vector<CaseResult>& results, const std::vector<CaseBytes>& bytes,
                       uint32_t c, ItemsWhere where) {
  return CountWhere(
      results, bytes, [](const CaseBytes& b) { return b.plain; },
      [&](const CaseBytes& b) { return (ClassesIn(b, where) & c) != 0; });
}

// The property of the cases that separates the FAILED ones from the others (see Diagnose in the
// header).
struct Separator {
  ItemsWhere where = ItemsWhere::kAny;
  uint32_t property = 0;  // a ByteClass, or kHasProperty
  ClassCounts counts;
  uint64_t above = 0;  // kLarge: the size
  // A text decoder reads the lengths too: for its kinds, a byte anywhere on stdin counts.
  bool Holds(const CaseBytes& b) const {
    if (where == ItemsWhere::kLarge) return b.known && b.largest > above;
    if (where == ItemsWhere::kSeveralReads) return b.known && b.several_reads;
    const bool decoded =
        where != ItemsWhere::kParams && (property & (kByteCr | kByteLf | kByteNotUtf8 | kByteHigh));
    return b.known && ((decoded ? b.stream : ClassesIn(b, where)) & property);
  }
};

// The property with the most FAILED cases among those that separate (the fewest cases with it
// on a tie, the first tried on a tie of both); nullopt when none does.
std::vector<Separator> FindSeparators(const std::vector<CaseResult>& results,
                                      const std::vector<CaseBytes>& bytes, bool has_short_read) {
  std::vector<Separator> out;
  std::optional<Separator> best;
  const auto consider = [&](uint32_t property, ItemsWhere where) {
    const ClassCounts n = CountClass(results, bytes, property, where);
    if (!n.Separates()) return;
    if (!best || n.failed_with > best->counts.failed_with ||
        (n.failed_with == best->counts.failed_with && n.with < best->counts.with))
      best = Separator{where, property, n};
  };
  for (ItemsWhere w :
       {ItemsWhere::kAny, ItemsWhere::kKeys, ItemsWhere::kValues, ItemsWhere::kParams})
    for (uint32_t c : kByteClassOrder) consider(c, w);
  for (ItemsWhere w :
       {ItemsWhere::kBlock, ItemsWhere::kEmptyBlock, ItemsWhere::kEmptyKey, ItemsWhere::kEmptyValue,
        ItemsWhere::kSeveralPairs, ItemsWhere::kSeveralMapPairs, ItemsWhere::kSeveralReducePairs})
    consider(kHasProperty, w);
  if (best) out.push_back(*std::exchange(best, std::nullopt));
  // Sizes: over every unchunked case (the large ones are heavy), each size the cases have tried
  // as the cut; the highest cut of those with the most FAILED cases above it. Items above it
  // must be the exception (at most half the cases): a program that fails all but its smallest
  // inputs has some other defect.
  const auto counted = [](const CaseBytes& b) { return !b.chunked; };
  std::vector<uint64_t> sizes;
  for (size_t i = 0; i < results.size(); ++i)
    if (bytes[i].known && counted(bytes[i]) && results[i].blocked_by.empty())
      sizes.push_back(bytes[i].largest);
  std::sort(sizes.begin(), sizes.end());
  sizes.erase(std::unique(sizes.begin(), sizes.end()), sizes.end());
  for (size_t k = 0; k + 1 < sizes.size(); ++k) {
    const uint64_t above = sizes[k];
    const ClassCounts n =
        CountWhere(results, bytes, counted, [&](const CaseBytes& b) { return b.largest > above; });
    if (!n.Separates() || n.with > n.without || (best && n.failed_with < best->counts.failed_with))
      continue;
    best = Separator{ItemsWhere::kLarge, kHasProperty, n, above};
  }
  if (best) out.push_back(*best);
  // Input that cannot arrive in one read: counted over every case (delivery is the property).
  if (!has_short_read) {
    const ClassCounts n = CountWhere(
        results, bytes, [](const CaseBytes&) { return true; },
        [](const CaseBytes& b) { return b.several_reads; });
    if (n.Separates()) out.push_back(Separator{ItemsWhere::kSeveralReads, kHasProperty, n});
  }
  return out;
}

// "6 of the 10 small unchunked case(s) with one FAILED, 150 of the 150 without passed".
std::string CountsText(const ClassCounts& n, const std::string& without) {
  return absl::StrCat(n.failed_with, " of the ", n.with,
                      " small unchunked case(s) with one FAILED, ", n.without - n.failed_without,
                      " of the ", n.without, " ", without, " passed");
}

// The check, rule, cause and text of the problem a separator makes of the folded problems
// (`seen_as`: their checks and rules; `waits`: one was a map's wait for a list never written).
void DescribeSeparated(const Separator& s, const std::vector<CaseBytes>& bytes,
                       const std::vector<std::string>& seen_as, bool waits, RootProblem* p) {
  const std::string seen = absl::StrCat(" (seen as ", absl::StrJoin(seen_as, ", "), ")");
  if (ByPairs(s.where)) {
    const bool map = !bytes[p->example].reduce;
    const char* whose = s.where == ItemsWhere::kSeveralMapPairs      ? "a map's input holds"
                        : s.where == ItemsWhere::kSeveralReducePairs ? "a reduce's input holds"
                                                                     : "its input holds";
    const char* where = s.where == ItemsWhere::kSeveralMapPairs ? "map answers every pair"
                        : s.where == ItemsWhere::kSeveralReducePairs
                            ? "reduce reads every pair"
                            : "map answers every pair, a reduce reads every pair,";
    p->check = "consumption";
    p->rule = map ? "R5.1" : "R6.1";
    p->cause = kCauseStopsEarly;
    p->detail = absl::StrCat("fails whenever ", whose,
                             " more than one pair: ", CountsText(s.counts, "others"),
                             "; it stops after the first pair (it exits or stops reading with "
                             "pairs still to come), where a ",
                             where, " until stdin ends", seen);
    return;
  }
  if (s.where == ItemsWhere::kBlock) {
    p->check = "params";
    p->rule = "R2.1";
    p->cause = judge::kCauseSkipsParams;
    p->detail = absl::StrCat(
        "fails whenever the parameter block has a body: ", CountsText(s.counts, "with the empty "
        "block \"0\\n\""), "; it does not read the block by its length (the length line but "
        "not the body, say), so its pairs start at the wrong place", seen);
    return;
  }
  if (s.where == ItemsWhere::kEmptyBlock) {
    p->check = "params";
    p->rule = "R2.2";
    p->cause = kCauseNeedsParams;
    p->detail =
        absl::StrCat("fails whenever the parameter block is empty (\"0\\n\", no parameters): ",
                     CountsText(s.counts, "with parameters"),
                     "; it needs a parameter, but a job may have none", seen);
    return;
  }
  if (s.where == ItemsWhere::kSeveralReads) {
    p->check = "framing";
    p->rule = "R3.1";
    p->cause = judge::kCauseShortRead;
    p->detail = absl::StrCat(
        "fails whenever its input cannot reach it in one read (more than a pipe's 64 KiB at once, "
        "or delivered in pieces): ",
        s.counts.failed_with, " of the ", s.counts.with, " such case(s) FAILED, ",
        s.counts.without - s.counts.failed_without, " of the ", s.counts.without,
        " others passed; it parses what one read returns as whole pairs, where "
        "a read from a pipe returns what has arrived, a pair cut anywhere",
        seen);
    return;
  }
  if (s.where == ItemsWhere::kLarge) {
    p->check = "framing";
    p->rule = "R3.1";
    p->cause = kCauseLargeItem;
    uint64_t smallest = UINT64_MAX;  // of the FAILED cases it explains
    for (size_t i : p->cases) smallest = std::min(smallest, bytes[i].largest);
    p->detail = absl::StrCat(
        "fails whenever a key or value is larger than ", s.above,
        " bytes (the smallest in a FAILED case: ", smallest, "): ", s.counts.failed_with,
        " of the ", s.counts.with, " unchunked case(s) with one FAILED, ",
        s.counts.without - s.counts.failed_without, " of the ", s.counts.without,
        " without passed; a buffer of fixed size or a limit of its own, where an item may be up "
        "to 1 GiB",
        seen);
    return;
  }
  if (s.where == ItemsWhere::kEmptyKey || s.where == ItemsWhere::kEmptyValue) {
    const char* item = s.where == ItemsWhere::kEmptyKey ? "key" : "value";
    p->check = "framing";
    p->rule = "R3.1";
    p->cause = kCauseEmptyItem;
    p->detail = absl::StrCat("fails whenever a ", item, " is empty: ",
                             CountsText(s.counts, "without"), "; it mishandles a ", item,
                             " of 0 bytes (a length of 0, then nothing)");
    if (waits)
      absl::StrAppend(&p->detail, ": a map that writes no list for such a pair leaves the driver "
                                  "waiting (every pair gets one, count 0 when empty)");
    absl::StrAppend(&p->detail, seen);
    return;
  }
  const CaseBytes& ex = bytes[p->example];
  // (a parameter property is the block's, whatever the example's pairs hold too)
  const bool in_input = s.where != ItemsWhere::kParams && ((ex.keys | ex.values) & s.property);
  p->check = in_input ? "framing" : "params";
  p->rule = in_input ? "R3.1" : "R2.3";
  p->cause = kCauseInterpretsBytes;
  p->byte_class = s.property;
  const char* item = s.where == ItemsWhere::kKeys     ? "key"
                     : s.where == ItemsWhere::kValues ? "value"
                     : s.where == ItemsWhere::kParams ? "parameter's key or value"
                                                      : "key or value";
  const char* items = s.where == ItemsWhere::kKeys     ? "keys"
                      : s.where == ItemsWhere::kValues ? "values"
                                                       : "keys and values";
  size_t by_length = 0;  // folded failures whose items hold none: in a length only
  for (size_t i : p->cases) by_length += !(ClassesIn(bytes[i], s.where) & s.property);
  p->detail = absl::StrCat("fails whenever a ", item, " holds ", ByteClassName(s.property), ": ",
                           CountsText(s.counts, "without"));
  if (by_length > 0)
    absl::StrAppend(&p->detail, ", and ", by_length, " FAILED case(s) have one in a length only");
  if (s.where == ItemsWhere::kParams)
    absl::StrAppend(&p->detail,
                    "; it parses the block's body by its bytes (as lines or words), "
                    "where each key and value is read by its decimal length",
                    seen);
  else
    absl::StrAppend(&p->detail, "; ", ByteClassEffect(s.property), ", where ", items,
                    " are bytes to pass through unread", seen);
}

// See Diagnose in the header.
void FoldByCaseProperty(const std::vector<CaseResult>& results,
                        const std::vector<CaseBytes>& bytes, std::vector<RootProblem>* problems) {
  if (bytes.size() != results.size()) return;
  const bool has_short_read =
      std::any_of(problems->begin(), problems->end(),
                  [](const RootProblem& p) { return p.cause == judge::kCauseShortRead; });
  // The first property, in the order tried, that some problem has in all its cases.
  const Separator* s = nullptr;
  const auto folds = [&](const RootProblem& p) {
    // (could-not-start folds: a program that cannot start fails every case, so a property that
    // separates failures is never its; one that died at its first bytes can look like it, when
    // stdin broke before dxt could see what it read.)
    for (const char* kept : {judge::kCauseShortRead, kCauseRejectsValues, judge::kCauseDiscoCParams,
                             judge::kCausePastParams, judge::kCauseBuffered})
      if (p.cause == kept) return false;
    // A deadline missed on large input is a slow program more likely than a misreading one.
    const bool by_size = s->where == ItemsWhere::kLarge || s->where == ItemsWhere::kSeveralReads;
    if (by_size && p.check == "hang") return false;
    // Failing on the second pair is a program that stops there when it ends or stops reading;
    // other failures that come with several pairs have a cause of their own.
    if (ByPairs(s->where) && p.check != "consumption" &&
        (p.check != "map-protocol" || p.rule != "R5.1"))
      return false;
    return !p.cases.empty() && std::all_of(p.cases.begin(), p.cases.end(),
                                           [&](size_t i) { return s->Holds(bytes[i]); });
  };
  const std::vector<Separator> separators = FindSeparators(results, bytes, has_short_read);
  for (const Separator& candidate : separators) {
    s = &candidate;
    if (std::any_of(problems->begin(), problems->end(), folds)) break;
    s = nullptr;
  }
  if (!s) return;
  RootProblem into;
  bool waits = false;
  std::vector<RootProblem> kept;
  std::vector<std::string> seen_as;
  for (RootProblem& p : *problems) {
    if (!folds(p)) {
      kept.push_back(std::move(p));
      continue;
    }
    waits |= p.cause == judge::kCauseWaitsForInput;
    const std::string as = p.check + " (" + p.rule + ")";
    if (std::find(seen_as.begin(), seen_as.end(), as) == seen_as.end()) seen_as.push_back(as);
    into.cases.insert(into.cases.end(), p.cases.begin(), p.cases.end());
    into.blocked.insert(into.blocked.end(), p.blocked.begin(), p.blocked.end());
  }
  for (std::vector<size_t>* v : {&into.cases, &into.blocked}) {
    std::sort(v->begin(), v->end());
    v->erase(std::unique(v->begin(), v->end()), v->end());
  }
  // The example: a plain case that has the property in its items, in its input pairs if any.
  into.example = into.cases.front();
  int rank = 0;
  for (size_t i : into.cases) {
    const CaseBytes& b = bytes[i];
    if (s->where == ItemsWhere::kSeveralReads) {  // unchunked if it can be: the plainer case
      if (!b.chunked && bytes[into.example].chunked) into.example = i;
      continue;
    }
    if (s->where == ItemsWhere::kLarge) {  // the smallest such item: the quickest to replay
      if (b.largest < bytes[into.example].largest) into.example = i;
      continue;
    }
    const uint32_t has = ClassesIn(b, s->where) & s->property;
    const int r = !b.plain ? 0 : ((b.keys | b.values) & has) ? 3 : (b.params & has) ? 2 : 1;
    if (r > rank) into.example = i, rank = r;
  }
  DescribeSeparated(*s, bytes, seen_as, waits, &into);
  kept.push_back(std::move(into));
  *problems = std::move(kept);
}

}  // namespace

Language DetectLanguage(const std::string& program_path, const std::vector<CaseResult>& results) {
  for (const CaseResult& r : results)
    for (const std::string& l : r.stderr_tail)
      if (l.starts_with("Traceback (most recent call last)")) return Language::kPython;
  std::ifstream in(program_path, std::ios::binary);
  std::string head(4 << 20, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<size_t>(in.gcount()));
  if (head.starts_with("#!")) {
    const std::string line = head.substr(0, head.find('\n'));
    if (absl::StrContains(line, "python")) return Language::kPython;
    if (absl::StrContains(line, "node")) return Language::kJavaScript;
    if (absl::StrContains(head.substr(0, 4096), "java")) return Language::kJava;
    if (absl::StrContains(head.substr(0, 4096), "python")) return Language::kPython;
    return Language::kShell;
  }
  if (head.starts_with("\x7f" "ELF")) {
    for (const char* sym : {"fflush", "fwrite", "setvbuf", "_IO_putc", "fputs", "printf"})
      if (head.find(std::string(sym) + '\0') != std::string::npos) return Language::kCStdio;
  }
  if (head.starts_with("PK\x03\x04")) return Language::kJava;
  return Language::kUnknown;
}

RunDiagnosis Diagnose(const std::vector<CaseResult>& results, const RunEvidence& evidence,
                      Language language) {
  const std::optional<RejectedValues>& rejected = evidence.rejected;
  RunDiagnosis d;
  std::vector<bool> explained(results.size(), false);
  if (rejected && !rejected->cases.empty()) {
    RootProblem p;
    p.cause = kCauseRejectsValues;
    p.cases = rejected->cases;
    p.example = rejected->example;
    for (size_t i : p.cases) explained[i] = true;
    for (const CheckResult& c : results[p.example].checks)
      if (IsRoot(c) && p.check.empty()) p.check = c.check, p.rule = c.rule;
    p.detail = RejectedDetail(*rejected, results);
    d.problems.push_back(std::move(p));
  }
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].verdict != Verdict::kFailed || explained[i]) continue;
    // Its roots: FAILED checks no other explains; else the checks its failures point to.
    std::vector<const CheckResult*> roots;
    for (const CheckResult& c : results[i].checks)
      if (IsRoot(c)) roots.push_back(&c);
    for (const CheckResult& c : results[i].checks)
      if (roots.empty() && c.verdict == Verdict::kFailed && c.caused_by)
        for (const CheckResult& cause : results[i].checks)
          if (cause.check == c.caused_by->check &&
              std::find(roots.begin(), roots.end(), &cause) == roots.end())
            roots.push_back(&cause);
    for (const CheckResult* root : roots) {
      const CheckResult& c = *root;
      auto same = [&](const RootProblem& p) {
        return p.check == c.check && p.rule == c.rule && p.cause == c.cause && p.site == c.site;
      };
      auto it = std::find_if(d.problems.begin(), d.problems.end(), same);
      if (it == d.problems.end()) {
        d.problems.push_back({c.check, c.rule, c.cause, {}, {}, i, c.detail, "", 0, c.site});
        it = d.problems.end() - 1;
      }
      if (it->cases.empty() || it->cases.back() != i) it->cases.push_back(i);
    }
  }
  // Cases blocked by a smoke case count for that case's root problems (in its mode: a problem
  // seen in both modes has its example in one of them).
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].blocked_by.empty()) continue;
    for (RootProblem& p : d.problems) {
      const bool has_smoke = std::any_of(p.cases.begin(), p.cases.end(), [&](size_t k) {
        return results[k].id == results[i].blocked_by && results[k].mode == results[i].mode;
      });
      if (has_smoke) p.blocked.push_back(i);
    }
  }
  SettleMisreads(results, evidence.bytes, &d.problems);
  FoldChunkedIntoShortReads(results, &d.problems);
  FoldLongOutputsIntoEncoding(results, &d.problems);
  FoldEarlyErrorsIntoCouldNotStart(results, &d.problems);
  FoldByCaseProperty(results, evidence.bytes, &d.problems);
  std::stable_sort(d.problems.begin(), d.problems.end(),
                   [](const RootProblem& a, const RootProblem& b) {
                     return a.cases.size() + a.blocked.size() > b.cases.size() + b.blocked.size();
                   });
  for (RootProblem& p : d.problems) p.fix = FixHint(p, language);
  d.mode_hint = ModeHint(results);
  return d;
}

std::string RenderRootProblems(const RunDiagnosis& d, const std::vector<CaseResult>& results) {
  if (d.problems.empty()) return "";
  const size_t shown = std::min(d.problems.size(), kShownRootProblems);
  std::string s = absl::StrCat(d.problems.size() == 1 ? "Root problem" : "Root problems",
                               " (fix first; the cases they explain are listed below):\n");
  for (size_t n = 0; n < shown; ++n) {
    const RootProblem& p = d.problems[n];
    const CaseResult& ex = results[p.example];
    absl::StrAppend(&s, "root problem ", n + 1, " of ", d.problems.size(), ": ");
    if (p.cause != kCauseRejectsValues) absl::StrAppend(&s, p.check, " (", p.rule, "): ");
    absl::StrAppend(&s, p.detail, "\n    explains ", p.cases.size(), " FAILED case(s)");
    if (!p.blocked.empty())
      absl::StrAppend(&s, " and ", p.blocked.size(), " case(s) SKIPPED as blocked by it");
    absl::StrAppend(&s, "; e.g. ", CaseName(ex), " ", ex.title, "\n");
    if (!p.fix.empty()) absl::StrAppend(&s, "    fix: ", p.fix, "\n");
    if (!ex.stderr_tail.empty())
      absl::StrAppend(&s, "    its stderr ends: ", Tail(ex.stderr_tail, 3), "\n");
  }
  if (d.problems.size() > shown)
    absl::StrAppend(&s, "(", d.problems.size() - shown,
                    " more independent problem(s) in the case lines below)\n");
  if (!d.mode_hint.empty()) absl::StrAppend(&s, d.mode_hint, "\n");
  return s + "\n";
}

}  // namespace dxt::conformance
