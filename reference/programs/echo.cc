// echo: the identity program.
//   map:    each input pair -> one list holding that pair.
//   reduce: every input pair written back in order, batched into lists of about 64 KiB.
#include "reference/program/program.h"

namespace {

using dxt::program::Params;

absl::Status EchoMap(const Params&, std::string_view key, std::string_view value,
                     dxt::program::ResultList& out) {
  out.Add(key, value);
  return absl::OkStatus();
}

absl::Status EchoReduce(const Params&, dxt::program::PairReader& in,
                        dxt::program::ReduceOutput& out) {
  dxt::codec::PairView pair;
  while (in.Next(&pair)) out.Add(pair.key, pair.value);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) { return dxt::program::RunMain(argc, argv, EchoMap, EchoReduce); }
