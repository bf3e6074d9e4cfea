// Atomic file replacement for the reports and outputs the dxt command writes.
#ifndef DXT_TOOLS_ATOMIC_FILE_H_
#define DXT_TOOLS_ATOMIC_FILE_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace dxt::tools {

// Writes `data` to `path` through a temporary file in the same directory, then rename(2), so
// readers see the old file or the whole new one. The error names the path and errno text.
absl::Status WriteFileAtomically(const std::string& path, std::string_view data);

}  // namespace dxt::tools

#endif  // DXT_TOOLS_ATOMIC_FILE_H_
