// Replayable failures on disk, written by `dxt fuzz` (its findings) and `dxt check
// --save-failures` (its FAILED cases), in one format:
//   DIR/<check>-<rule>-<n>.json    a `dxt check --script` file holding the one case
//   DIR/<check>-<rule>-<n>.stdin   the raw bytes the program was sent (parameter block, pairs)
//   DIR/<check>-<rule>-<n>.stdout  the raw bytes it wrote on stdout
//   DIR/<check>-<rule>-<n>.stderr  ... and on stderr
// <n> is the first number from 1 for which none of the four files exists yet, so no file already
// in DIR (earlier findings, or anything else that was there) is ever replaced; nothing in DIR is
// deleted. `dxt check --script DIR/x.json PROGRAM` replays the case.
#ifndef DXT_TOOLS_FAILURE_FILES_H_
#define DXT_TOOLS_FAILURE_FILES_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "codec/jsonl.h"
#include "judge/case.h"
#include "fuzz/program/trial.h"

namespace dxt::tools {

// A case's "params" as a script writes them: {"raw": BYTES} for a raw block (R2.4), an object
// when every key is valid UTF-8 and unique, else a list of {"key", "value"} pairs.
codec::Json ScriptParamsJson(const codec::ParamDict& params,
                             const std::optional<std::string>& raw = std::nullopt);

// The script text of one case (the inverse of harness::ParseScript): params as an object when
// every key is valid UTF-8 and unique, else as a list of {"key", "value"} pairs.
std::string ScriptOf(const judge::Case& c);

// Whether WriteFailure can later write into `dir`, checked before a long run so that its findings
// are not lost at the end: `dir` is a writable directory, or does not exist and the nearest
// existing directory above it is writable (nothing is created here). InvalidArgument naming
// `option`, the path and what is wrong (not a directory, not writable).
absl::Status CheckFailureDir(const std::string& dir, const char* option);

// Writes the four files, each atomically, creating DIR (and parents) first. Returns the .json
// path. The case's id is replaced by the file's stem. Errors name the path.
absl::StatusOr<std::string> WriteFailure(const std::string& dir, const std::string& check,
                                         const std::string& rule, judge::Case c,
                                         const progfuzz::RawExchange& raw);

}  // namespace dxt::tools

#endif  // DXT_TOOLS_FAILURE_FILES_H_
