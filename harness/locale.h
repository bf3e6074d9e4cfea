// The locales a program can be run under (docs/PROTOCOL.md R1: Disco runs a program with the
// node's environment, dxt with LANG=C). A program that reads text through its locale (Java's
// default charset, Python's text streams, mbrtowc) can behave differently under a UTF-8 locale:
// `dxt check` runs the cases whose data holds non-ASCII text under one too (judge/runner.h).
#ifndef DXT_HARNESS_LOCALE_H_
#define DXT_HARNESS_LOCALE_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace dxt::harness {

// The locale every program gets unless told otherwise (LANG in the minimal environment).
inline constexpr char kDefaultLocale[] = "C";

// The codeset of locale `name` on this machine ("UTF-8", "ANSI_X3.4-1968", ...), as a program
// calling setlocale(LC_ALL, "") with LANG=name would see it. NotFound naming the locale when the
// machine does not have it (no locale data installed for it).
absl::StatusOr<std::string> LocaleCodeset(std::string_view name);

// The first of C.UTF-8, C.utf8, en_US.UTF-8 this machine has with codeset UTF-8; nullopt when it
// has none (detected, never assumed: minimal images lack even C.UTF-8).
std::optional<std::string> FindUtf8Locale();

}  // namespace dxt::harness

#endif  // DXT_HARNESS_LOCALE_H_
