// grep: the seed's Grep example as an external program.
//   map:    keeps the input pairs whose value matches the regex in parameter `pattern`
//           (POSIX extended regex, searched anywhere in the value) -> the (key, value) pair, or
//           an empty list. A missing `pattern` or an invalid regex is fatal before any pair.
//   reduce: identity (like echo); `pattern` is not needed.
// POSIX regexec with REG_STARTEND (glibc) rather than std::regex: libstdc++'s std::regex recurses
// once per byte and overflows the stack on values of tens of KiB; regexec does not, and
// REG_STARTEND lets values hold NUL bytes.
#include <regex.h>

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "reference/program/program.h"

namespace {

using dxt::program::Params;

// The compiled pattern, owned for the life of the process (map mode only; set by GrepInit).
std::optional<regex_t> g_pattern;

absl::Status GrepInit(dxt::program::Mode mode, const Params& params) {
  if (mode != dxt::program::Mode::kMap) return absl::OkStatus();
  const std::string* pattern = params.Find("pattern");
  if (pattern == nullptr) return absl::InvalidArgumentError("parameter 'pattern' missing");
  if (pattern->find('\0') != std::string::npos) {
    return absl::InvalidArgumentError("parameter 'pattern' contains a NUL byte");
  }
  regex_t compiled;
  if (int rc = regcomp(&compiled, pattern->c_str(), REG_EXTENDED | REG_NOSUB); rc != 0) {
    char why[256];
    regerror(rc, &compiled, why, sizeof why);
    return absl::InvalidArgumentError(
        absl::StrCat("parameter 'pattern' is not a valid regex: ", why));
  }
  g_pattern = compiled;
  return absl::OkStatus();
}

absl::Status GrepMap(const Params&, std::string_view key, std::string_view value,
                     dxt::program::ResultList& out) {
  regmatch_t range[1];
  range[0].rm_so = 0;
  range[0].rm_eo = static_cast<regoff_t>(value.size());
  // REG_STARTEND reads value[rm_so, rm_eo) and needs no terminating NUL.
  const int rc = regexec(&*g_pattern, value.data(), 1, range, REG_STARTEND);
  if (rc == 0) {
    out.Add(key, value);
  } else if (rc != REG_NOMATCH) {
    return absl::ResourceExhaustedError(absl::StrCat("regexec failed with code ", rc));
  }
  return absl::OkStatus();
}

absl::Status GrepReduce(const Params&, dxt::program::PairReader& in,
                        dxt::program::ReduceOutput& out) {
  dxt::codec::PairView pair;
  while (in.Next(&pair)) out.Add(pair.key, pair.value);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  return dxt::program::RunMain(argc, argv, {GrepInit, GrepMap, GrepReduce});
}
