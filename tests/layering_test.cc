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

// Numbers travel as numbers (STYLE): no module finds a fact again in another's message text (an
// offset, a rule, "exceeds", which wait expired). Facts are fields (codec::StreamError,
// harness::ListViolation, harness::ExpiredWait, judge::CheckResult::rule); text is only rendered
// from them. The patterns name the renderings modules produce for each other: a Status message,
// a check's detail or skip reason, a violation or expired-wait rendering, a report's text.
const std::regex& MessageParsing() {
  static const auto* re = new std::regex(
      // a Status message or a rendering searched, cut or compared piecewise (cutting its head for
      // display, substr(0, N), is not reading it)
      R"re((message\(\)|(detail|skip_reason|violation|expired_waits|_text|transcript)\b)[^;]*\.\s*)re"
      R"re((find|rfind|find_first_of|substr(?!\(0, [0-9]+\))|starts_with|ends_with|contains|compare)\()re"
      // ...or handed to a text search
      R"re(|(StrContains|StartsWith|EndsWith|ConsumePrefix|ConsumeSuffix|StrSplit|regex_search|)re"
      R"re(regex_match|sscanf|SimpleAtoi|stoi|stoul|stoull|from_chars)\s*\([^;]*)re"
      R"re((message\(\)|\.detail|skip_reason|violation|expired_waits|\.transcript))re"
      // ...or a fact's wording looked for anywhere
      R"re(|find\("(offset |exceeds|pair |stdin offset|stdout offset|R[0-9]|blocked by|expired))re");
  return *re;
}

TEST(LayeringTest, TheMessageParsingGuardCatchesWhatItMust) {
  for (const char* bad : {
           R"(if (s.message().find("exceeds") != npos))",
           R"(auto rule = r.detail.substr(0, r.detail.find(':'));)",
           R"(bool limit = absl::StrContains(status.message(), "limit");)",
           R"(if (absl::StartsWith(c.detail, "buffered")) {)",
           R"(size_t at = text.find("offset ");)",
           R"(if (t.extra_list_violation.starts_with("R5.3")))",
           R"(std::regex_search(check.detail, m, re);)",
           R"(for (auto& w : t.expired_waits) if (w.find("reply") == 0))",
           R"(if (r.skip_reason.rfind("blocked", 0) == 0))",
           R"(std::string rest = s.message().substr(7);)",
       })
    EXPECT_TRUE(std::regex_search(std::string(bad), MessageParsing())) << bad;
  for (const char* fine : {
           R"(return Fail(kName, "R2.1", absl::StrCat("got ", n, " lists"));)",
           R"(const size_t at = l.raw.find(length);)",
           R"(auto eq = kv.find('=');)",
           R"(out << f.detail.substr(0, 400) << "...";)",
           R"(absl::StrAppend(&line, r.check, " (", r.rule, "): ", r.detail, "\n");)",
       })
    EXPECT_FALSE(std::regex_search(std::string(fine), MessageParsing())) << fine;
}

TEST(LayeringTest, NoModuleParsesMessageText) {
  const fs::path root = DXT_SOURCE_DIR;
  int files = 0;
  for (const char* folder :
       {"codec", "harness", "judge", "conformance", "reference", "tools", "fuzz", "bench"}) {
    for (const auto& entry : fs::recursive_directory_iterator(root / folder)) {
      const std::string ext = entry.path().extension();
      if (ext != ".h" && ext != ".cc") continue;
      ++files;
      std::ifstream in(entry.path());
      std::string line;
      for (int n = 1; std::getline(in, line); ++n)
        if (std::regex_search(line, MessageParsing()))
          ADD_FAILURE() << fs::relative(entry.path(), root).string() << ":" << n
                        << " reads a fact back out of message text: " << line;
    }
  }
  EXPECT_GT(files, 50);
}

}  // namespace
