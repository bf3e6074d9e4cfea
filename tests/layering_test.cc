// Layers point down (STYLE): codec <- harness <- judge <- conformance <- tools, with the reference
// executor beside conformance (it links the driver and the judge, never the report writers), and
// nothing outside tools/ includes from tools/. Read from the source tree, so a new include that
// breaks the order fails here before a reviewer has to spot it.
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>

#include "gtest/gtest.h"

namespace {

namespace fs = std::filesystem;

const std::set<std::string> kProjectFolders = {"codec", "harness", "judge", "conformance",
                                               "reference", "tools", "tests", "bench", "fuzz"};

// Which top-level folders a folder's code may include from (besides itself).
const std::map<std::string, std::set<std::string>>& Allowed() {
  static const auto* allowed = new std::map<std::string, std::set<std::string>>{
      {"codec", {}},
      {"harness", {"codec"}},
      {"judge", {"codec", "harness"}},
      {"conformance", {"codec", "harness", "judge"}},
      {"reference", {"codec", "harness", "judge", "reference"}},
  };
  return *allowed;
}

TEST(LayeringTest, IncludesPointDown) {
  const fs::path root = DXT_SOURCE_DIR;
  const std::regex include(R"re(^\s*#\s*include\s+"([a-z_]+)/)re");
  int files = 0;
  for (const auto& [folder, allowed] : Allowed()) {
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string ext = entry.path().extension();
      if (ext != ".h" && ext != ".cc") continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n) {
        std::smatch m;
        if (!std::regex_search(line, m, include)) continue;
        const std::string to = m[1];
        if (!kProjectFolders.count(to) || to == folder || allowed.count(to)) continue;
        ADD_FAILURE() << fs::relative(entry.path(), root).string() << ":" << n << " includes from "
                      << to << "/: " << line;
      }
    }
  }
  EXPECT_GT(files, 50);
}

TEST(LayeringTest, NothingOutsideToolsIncludesFromTools) {
  const fs::path root = DXT_SOURCE_DIR;
  for (const char* folder : {"codec", "harness", "judge", "conformance", "reference", "tests",
                             "bench", "fuzz"}) {
    if (!fs::exists(root / folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string ext = entry.path().extension();
      if (ext != ".h" && ext != ".cc") continue;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n)
        if (line.find("#include \"tools/") != std::string::npos)
          ADD_FAILURE() << fs::relative(entry.path(), root).string() << ":" << n << ": " << line;
    }
  }
}

}  // namespace
