#include "tools/input_domain.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace dxt::tools {

absl::StatusOr<conformance::InputDomain> LoadInputDomain(const std::string& values,
                                                         const std::string& sample_path) {
  conformance::InputDomain d;
  if (!sample_path.empty()) {
    std::ifstream in(sample_path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read input sample ", sample_path));
    std::ostringstream text;
    text << in.rdbuf();
    auto pairs = conformance::ParseInputSample(text.str(), sample_path);
    if (!pairs.ok()) return pairs.status();
    auto sample = conformance::SampleInputDomain(*pairs, sample_path);
    if (!sample.ok()) return sample.status();
    d = std::move(*sample);
  }
  if (!values.empty()) {
    auto v = conformance::MakeDomain(values);
    if (!v.ok()) return absl::InvalidArgumentError(absl::StrCat("--values: ", v.status().message()));
    d.values = std::move(*v);
  }
  return d;
}

}  // namespace dxt::tools
