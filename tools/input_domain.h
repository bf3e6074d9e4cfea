// `--values` and `--input-sample`, read the same way by `dxt check` and `dxt fuzz`: what the keys
// and values a program accepts look like (conformance/domain.h).
#ifndef DXT_TOOLS_INPUT_DOMAIN_H_
#define DXT_TOOLS_INPUT_DOMAIN_H_

#include <string>

#include "absl/status/statusor.h"
#include "conformance/domain.h"

namespace dxt::tools {

// `values` is "" or one of conformance::DomainNames(); `sample_path` is "" or an input sample
// file. --values decides the values when both are given; the sample then still decides the keys.
// Neither given: an undeclared domain. Errors: NotFound naming an unreadable sample, and
// InvalidArgument naming the sample's line or offset, or the unknown domain ("--values: ...").
absl::StatusOr<conformance::InputDomain> LoadInputDomain(const std::string& values,
                                                         const std::string& sample_path);

}  // namespace dxt::tools

#endif  // DXT_TOOLS_INPUT_DOMAIN_H_
