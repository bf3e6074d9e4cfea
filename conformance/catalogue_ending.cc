// Sections 7 (log lines) and 8 (ending) of the catalogue. These rules are about what the program
// does on its own (stderr, exit status, timing), so the cases give it the occasions: ordinary runs,
// many pairs (a per-pair logger shows its volume), no input, slow input.
#include "conformance/catalogue.h"
#include "conformance/catalogue_util.h"

namespace dxt::conformance {

using namespace internal;  // NOLINT: table builders

void AddEndingEntries(std::vector<Entry>* out) {
  Add(out, "7.1.1", "every stderr line is **<MSG>/**<ERR>-prefixed and ends with \\n",
      {"R7.1", "R7.3"}, kBoth)
      .input.literal = Plain(3);
  Add(out, "7.1.2", "stderr stays well-formed over 500 pairs", {"R7.1", "R7.3"}, kBoth)
      .input.generated = {Gen(500, 6, 12)};
  Add(out, "7.2.1", "no **<ERR> line in an ordinary run", {"R7.2"}, kBoth).input.literal = Plain(3);
  Add(out, "7.2.2", "no **<ERR> line on binary input", {"R7.2"}, kBoth).input.generated = {
      Gen(20, 16, 64, Pattern::kRandom, 722)};
  Add(out, "7.3.1", "the last stderr line ends with \\n, with no input at all", {"R7.3"}, kBoth);
  Entry& volume =
      Add(out, "7.4.1", "stderr volume over 5000 pairs stays moderate", {"R7.4"}, kBoth);
  volume.input.generated = {Gen(5000, 4, 4)};
  volume.policy = Policy::kInformational;
  volume.policy_reason = "a chatty program deserves a warning, not a failure (R7.4)";
  Add(out, "8.1.1", "exit status 0 after an ordinary conversation", {"R8.1"}, kBoth).input.literal =
      Plain(4);
  Add(out, "8.1.2", "exit status 0 with no input pairs", {"R8.1", "R5.4", "R6.1"}, kBoth);
  Add(out, "8.1.3", "no crash on 1000 random binary pairs", {"R8.1"}, kBoth).input.generated = {
      Gen(1000, 12, 40, Pattern::kRandom, 813)};
  Add(out, "8.2.1", "every answer arrives within the reply deadline", {"R8.2", "R5.1"}, kBoth)
      .input.generated = {Gen(50, 4, 100)};
  Add(out, "8.2.2", "exits within the exit deadline once stdin closes", {"R8.2", "R5.4", "R6.3"},
      kBoth)
      .input.literal = Plain(2);
}

}  // namespace dxt::conformance
