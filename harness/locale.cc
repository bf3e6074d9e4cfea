// Asked through newlocale(3) rather than setlocale(3): dxt's own locale stays "C" whatever it
// probes, and the answer is the one a program's setlocale would get from the same locale data.
#include "harness/locale.h"

#include <langinfo.h>
#include <locale.h>

#include "absl/strings/str_cat.h"

namespace dxt::harness {

absl::StatusOr<std::string> LocaleCodeset(std::string_view name) {
  const std::string n(name);
  locale_t loc = ::newlocale(LC_ALL_MASK, n.c_str(), locale_t{});
  if (loc == locale_t{})
    return absl::NotFoundError(
        absl::StrCat("locale ", n, " is not available on this machine (no locale data for it)"));
  std::string codeset = ::nl_langinfo_l(CODESET, loc);
  ::freelocale(loc);
  return codeset;
}

std::optional<std::string> FindUtf8Locale() {
  for (const char* name : {"C.UTF-8", "C.utf8", "en_US.UTF-8"}) {
    auto codeset = LocaleCodeset(name);
    if (codeset.ok() && *codeset == "UTF-8") return std::string(name);
  }
  return std::nullopt;
}

}  // namespace dxt::harness
