// Helpers for the tests that run the real `dxt` executable through the shell.
#ifndef DXT_TESTS_CLI_TEST_UTIL_H_
#define DXT_TESTS_CLI_TEST_UTIL_H_

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace dxt::testing {

// One shell word: 'arg', with embedded single quotes as '\''.
inline std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The whole file, or "" when it cannot be read.
inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace dxt::testing

#endif  // DXT_TESTS_CLI_TEST_UTIL_H_
