// grep: the seed's Grep example as an external program.
//   map:    keeps the input pairs whose value matches the regex in parameter `pattern`
//           (std::regex ECMAScript, matched anywhere in the value) -> the (key, value) pair, or
//           an empty list. A missing `pattern` or an invalid regex is fatal before any pair.
//   reduce: identity (like echo); `pattern` is not needed.
// libstdc++'s std::regex recurses once per matched byte, so some patterns (".*x") overflow the
// stack on values of tens of KiB. That crash is turned into an "**<ERR>" line and exit 1.
#include <signal.h>
#include <unistd.h>

#include <optional>
#include <regex>

#include "absl/strings/str_cat.h"
#include "reference/program/program.h"

namespace {

using dxt::program::Params;

std::optional<std::regex> g_pattern;  // compiled once, in map mode, by GrepInit

// Async-signal-safe: one write(2), then _exit.
void OnStackOverflow(int) {
  static constexpr char kLine[] =
      "**<ERR> grep: crashed (SIGSEGV) in std::regex search, which recurses per byte of the "
      "value: the value is too long for this pattern\n";
  [[maybe_unused]] const ssize_t ignored = write(2, kLine, sizeof kLine - 1);
  _exit(1);
}

void ReportStackOverflowAsError() {
  static char alt_stack[64 * 1024];
  stack_t ss{};
  ss.ss_sp = alt_stack;
  ss.ss_size = sizeof alt_stack;
  sigaltstack(&ss, nullptr);
  struct sigaction sa {};
  sa.sa_handler = OnStackOverflow;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGSEGV, &sa, nullptr);
}

absl::Status GrepInit(dxt::program::Mode mode, const Params& params) {
  if (mode != dxt::program::Mode::kMap) return absl::OkStatus();
  ReportStackOverflowAsError();
  const std::string* pattern = params.Find("pattern");
  if (pattern == nullptr) return absl::InvalidArgumentError("parameter 'pattern' missing");
  try {
    g_pattern.emplace(*pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("parameter 'pattern' is not a valid regex: ", e.what()));
  }
  return absl::OkStatus();
}

absl::Status GrepMap(const Params&, std::string_view key, std::string_view value,
                     dxt::program::ResultList& out) {
  bool matched = false;
  try {
    matched = std::regex_search(value.begin(), value.end(), *g_pattern);
  } catch (const std::regex_error& e) {  // e.g. error_complexity on a huge value
    return absl::ResourceExhaustedError(absl::StrCat("regex search failed: ", e.what()));
  }
  if (matched) out.Add(key, value);
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
