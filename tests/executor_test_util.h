// Helpers shared by the executor_*_test.cc suites: temp directories, job files, framed files.
#ifndef DXT_TESTS_EXECUTOR_TEST_UTIL_H_
#define DXT_TESTS_EXECUTOR_TEST_UTIL_H_

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "reference/executor/executor.h"
#include "reference/executor/framed_file.h"
#include "reference/executor/job.h"
#include "reference/executor/output.h"

namespace dxt::executor::testing {

using Pair = std::pair<std::string, std::string>;
using Pairs = std::vector<Pair>;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dxt-exec-test-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  ASSERT_TRUE(out.good()) << path;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void WriteKvFile(const std::string& path, const Pairs& pairs) {
  auto w = FramedWriter::Create(path);
  ASSERT_TRUE(w.ok()) << w.status();
  for (const auto& [k, v] : pairs) ASSERT_TRUE((*w)->Add(k, v).ok());
  ASSERT_TRUE((*w)->Close().ok());
}

inline Pairs ReadKvFile(const std::string& path) {
  Pairs pairs;
  auto r = FramedReader::Open(path);
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return pairs;
  std::string k, v;
  while (true) {
    absl::StatusOr<bool> more = (*r)->Next(&k, &v);
    EXPECT_TRUE(more.ok()) << more.status();
    if (!more.ok() || !*more) break;
    pairs.emplace_back(k, v);
  }
  return pairs;
}

// Every file of an output directory (index.json included) by name, as bytes.
inline std::map<std::string, std::string> OutputBytes(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    files[e.path().filename().string()] = ReadFile(e.path().string());
  }
  return files;
}

// Writes `json` as dir/name and runs it. The job's relative paths resolve against `dir`.
inline absl::StatusOr<JobResult> RunJobText(const std::string& dir, const std::string& json,
                                            RunOptions options = {}, const std::string& name = "job.json") {
  WriteFile(dir + "/" + name, json);
  absl::StatusOr<JobSpec> job = LoadJobFile(dir + "/" + name);
  if (!job.ok()) return job.status();
  return RunJob(*job, options);
}

// The pairs of output part `file` of `dir`.
inline Pairs Part(const std::string& dir, const std::string& file) { return ReadKvFile(dir + "/" + file); }

}  // namespace dxt::executor::testing

#endif  // DXT_TESTS_EXECUTOR_TEST_UTIL_H_
