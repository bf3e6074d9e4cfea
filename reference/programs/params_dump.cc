// params-dump: makes the parameter decoding visible.
//   map:    for each input pair, one list holding every parameter as a (key, value) pair in
//           the order sent (the input pair itself is not echoed), so decoding is checkable per
//           pair.
//   reduce: reads all input, then emits one list of the parameters.
// A raw-string parameter block (R2.4) is dumped as the single pair ("", raw body).
#include "reference/program/program.h"

namespace {

using dxt::program::Params;

void AddParams(const Params& params, dxt::program::ResultList& out) {
  if (!params.is_dict) {
    out.Add("", params.raw);
    return;
  }
  for (const auto& [key, value] : params.dict) out.Add(key, value);
}

absl::Status DumpMap(const Params& params, std::string_view, std::string_view,
                     dxt::program::ResultList& out) {
  AddParams(params, out);
  return absl::OkStatus();
}

absl::Status DumpReduce(const Params& params, dxt::program::PairReader& in,
                        dxt::program::ReduceOutput& out) {
  dxt::codec::PairView pair;
  while (in.Next(&pair)) {
  }
  dxt::program::ResultList list;
  AddParams(params, list);
  out.Emit(list);
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) { return dxt::program::RunMain(argc, argv, DumpMap, DumpReduce); }
