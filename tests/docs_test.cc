// The repository stands alone (issue 11 §6): every relative link in a Markdown file resolves in a
// clone, nothing points outside the repository (../shared), and docs/PROTOCOL.md defines every
// rule number the catalogue cites.
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "conformance/catalogue.h"
#include "conformance/rules.h"
#include "gtest/gtest.h"

namespace dxt {
namespace {

namespace fs = std::filesystem;

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Tracked-looking files of the source tree: skips build directories and dot directories.
std::vector<fs::path> SourceFiles(const std::vector<std::string>& extensions) {
  std::vector<fs::path> out;
  const fs::path root = DXT_SOURCE_DIR;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    const std::string name = it->path().filename().string();
    if (it->is_directory() && (name.rfind("build", 0) == 0 || name.rfind('.', 0) == 0)) {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    for (const std::string& ext : extensions)
      if (it->path().extension() == ext) out.push_back(it->path());
  }
  return out;
}

TEST(Docs, EveryRelativeMarkdownLinkResolves) {
  const std::regex link(R"(\]\(([^)\s]+)\))");
  int checked = 0;
  for (const fs::path& md : SourceFiles({".md"})) {
    const std::string text = Slurp(md);
    for (std::sregex_iterator m(text.begin(), text.end(), link), end; m != end; ++m) {
      std::string target = (*m)[1];
      if (target.find("://") != std::string::npos || target.rfind('#', 0) == 0 ||
          target.rfind("mailto:", 0) == 0)
        continue;
      target = target.substr(0, target.find('#'));
      ++checked;
      EXPECT_TRUE(fs::exists(md.parent_path() / target))
          << md << " links to " << target << ", which is not in the repository";
    }
  }
  EXPECT_GT(checked, 5);  // the READMEs do link to each other
}

TEST(Docs, NothingPointsOutsideTheRepository) {
  for (const fs::path& f : SourceFiles({".md", ".h", ".cc", ".py", ".sh", ".txt"})) {
    if (f.filename() == "docs_test.cc") continue;
    const std::string text = Slurp(f);
    EXPECT_EQ(text.find("../shared"), std::string::npos) << f << " refers to ../shared";
  }
}

TEST(Docs, ProtocolDefinesEveryRuleTheCatalogueCites) {
  const std::string protocol = Slurp(fs::path(DXT_SOURCE_DIR) / "docs" / "PROTOCOL.md");
  ASSERT_FALSE(protocol.empty());
  for (const conformance::Rule& r : conformance::SpecRules())
    EXPECT_NE(protocol.find("**" + std::string(r.id) + "**"), std::string::npos)
        << r.id << " is not defined in docs/PROTOCOL.md";
  for (const conformance::Entry& e : conformance::Catalogue())
    for (const std::string& r : e.rules)
      EXPECT_NE(protocol.find("**" + r + "**"), std::string::npos) << e.id << " cites " << r;
  for (int i = 1; i <= 9; ++i)
    EXPECT_NE(protocol.find("**R9." + std::to_string(i) + "**"), std::string::npos);
  EXPECT_NE(protocol.find("## R10"), std::string::npos);
}

}  // namespace
}  // namespace dxt
