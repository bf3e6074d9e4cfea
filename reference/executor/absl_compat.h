// This system's Abseil is built with its own absl::string_view (ABSL_OPTION_USE_STD_STRING_VIEW
// is 0), which does not convert from std::string_view; Av() bridges the two without a copy.
#ifndef DXT_REFERENCE_EXECUTOR_ABSL_COMPAT_H_
#define DXT_REFERENCE_EXECUTOR_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace dxt::executor {

inline absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }
inline std::string_view Sv(absl::string_view s) { return std::string_view(s.data(), s.size()); }

}  // namespace dxt::executor

#endif  // DXT_REFERENCE_EXECUTOR_ABSL_COMPAT_H_
