// Check cases are data (STYLE habit 6): what to send a program, how to deliver it, what to expect,
// how to weigh failures. The conformance catalogue (conformance/catalogue.h) and user scripts
// (`dxt check --script`) both produce them.
//
// Script format (JSON; byte strings are JSON strings when valid UTF-8, else {"base64": "..."},
// the convention of `dxt decode`, codec/jsonl.h):
//   {"cases": [{
//      "id": "my.1",                       required, unique
//      "title": "...",                     optional
//      "mode": "map" | "reduce",           required
//      "rules": ["R5.2", ...],             optional
//      "params": {"k": BYTES, ...} | {"raw": BYTES},   optional, default {} (sent as "0\n")
//                | [{"key": BYTES, "value": BYTES}, ...]  (keys that are not valid UTF-8, or repeat)
//      "input": [{"key": BYTES, "value": BYTES}, ...],  optional; a plain BYTES item = empty key
//                                          (ParseInputPair; `dxt encode` reads the same lines)
//      "delivery": "lockstep" | "pipeline", optional (map only), default lockstep
//      "policy": "strict" | "non-strict" | "informational",  optional, default strict
//      "expect": {                         optional
//        "output": [pair, ...],            expected output pairs, all lists concatenated
//        "output_file": "PATH",            or: a file of pair frames holding them (`dxt encode`
//                                          or `dxt run` output), relative to the script's folder
//        "order": "exact" | "multiset",    default exact
//        "logs": ["regex", ...],           each must match some **<MSG>/**<ERR> text
//        "exit": 0                         expected exit status, default 0
//      }}]}
#ifndef DXT_JUDGE_CASE_H_
#define DXT_JUDGE_CASE_H_

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "codec/jsonl.h"
#include "codec/param_block.h"
#include "harness/transcript.h"

namespace dxt::judge {

// What happened is recorded by the harness; these are the harness names the judge speaks of.
using harness::Millis;
using harness::Mode;
using harness::Transcript;

using OwnedPair = std::pair<std::string, std::string>;

enum class Delivery { kLockstep, kPipeline };
// How FAILED checks count for the case: strict = FAILED; non-strict = NON-STRICT (a SHOULD);
// informational = INFORMATIONAL (reported, never fails the run).
enum class Policy { kStrict, kNonStrict, kInformational };

struct Expectation {
  std::optional<std::vector<OwnedPair>> output;
  // Or the expected output as a file of pair frames (script "output_file"), compared as it streams
  // (judge/content.h): for outputs too large to write as JSON or to hold.
  std::optional<std::string> output_file;
  bool multiset = false;
  std::vector<std::string> log_patterns;  // ECMAScript regexes, searched in MSG/ERR texts
  int exit_code = 0;
};

struct Case {
  std::string id;
  std::string title;
  std::vector<std::string> rules;
  Mode mode = Mode::kMap;
  codec::ParamDict params;
  std::optional<std::string> raw_params;  // sent as is instead of the dictionary (R2.4)
  std::vector<OwnedPair> input;
  Delivery delivery = Delivery::kLockstep;
  Policy policy = Policy::kStrict;
  Expectation expect;
  // The case probes parameter-block handling (check `params`, R2): delivered pipelined so that
  // only a misread block, not buffering, can change the number of lists.
  bool params_probe = false;
  bool fixed_params = false;  // --params is not merged in (the case needs its exact block)
  // Quiet periods (DriverOptions::settle) for this case; nullopt = the checking default. The
  // conformance catalogue sets 0 on cases that need no quiet period, to keep the suite fast.
  std::optional<std::chrono::milliseconds> settle;
};

// The parameter block the case sends.
std::string ParamBlockOf(const Case& c);

// Whether the case sends non-ASCII text: some parameter key or value, raw parameter string, input
// key or value that is valid UTF-8 and holds a byte >= 0x80 ("clé", "☕"). Arbitrary bytes that are
// not valid UTF-8 are not text. Such cases also run under a UTF-8 locale (RunOptions::text_locale).
bool HasNonAsciiText(const Case& c);

// Parses a script (format above). InvalidArgument naming `source`, the case index/id and the
// field, e.g. "cases.json: cases[2] (id \"x\"): input[0].value: expected a string or
// {\"base64\": ...}"; JSON syntax errors carry the parser's byte position.
absl::StatusOr<std::vector<Case>> ParseScript(std::string_view json_text, std::string_view source);

// One input pair as a script's "input" holds it — the convention `dxt encode` lines and input
// samples share: {"key": BYTES, "value": BYTES}, or a plain BYTES item (a string or
// {"base64": ...}) = an empty key and that value (R5.5). InvalidArgument "<where>: <what>" (or
// "<where>.key: ..."; no prefix when `where` is empty) for a missing or unknown field, with the
// nearest known one, or a value that is not BYTES.
absl::StatusOr<OwnedPair> ParseInputPair(const codec::Json& item, std::string_view where);

// The conversation part of a case: {"params": ..., "input": [...]}, each optional and written as
// in a script case (what `dxt decode --format stream` makes of a captured stdin; `dxt encode
// --format stream` sends it back). The case's id is "stream", its mode map. InvalidArgument as
// ParseScript, naming `source` and the field; an unknown field names the nearest known one.
absl::StatusOr<Case> ParseConversation(std::string_view json_text, std::string_view source);

// Parses a JSON object of string parameters (the --params file). Same error conventions.
absl::StatusOr<codec::ParamDict> ParseParamsFile(std::string_view json_text,
                                                  std::string_view source);

// Merges `extra` into the dictionary of every case that takes it (later keys override).
void MergeParams(const codec::ParamDict& extra, std::vector<Case>* cases);

}  // namespace dxt::judge

#endif  // DXT_JUDGE_CASE_H_
