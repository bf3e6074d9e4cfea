#include "reference/executor/output.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/lifetime.h"
#include "nlohmann/json.hpp"
#include "reference/executor/absl_compat.h"

namespace dxt::executor {
namespace fs = std::filesystem;

std::string PartFileName(uint32_t index) { return absl::StrFormat("part-%05u", index); }

std::string IndexToJson(const OutputIndex& index) {
  nlohmann::ordered_json j;
  j["format"] = kOutputFormat;
  j["job"] = index.job;
  j["partitions"] = index.partitions ? nlohmann::ordered_json(*index.partitions) : nullptr;
  if (index.disco_parts) j["part_format"] = kDiscoPartFormat;
  j["files"] = nlohmann::ordered_json::array();
  for (const OutputFile& f : index.files) {
    nlohmann::ordered_json e;
    e["file"] = f.file;
    e["partition"] = f.partition ? nlohmann::ordered_json(*f.partition) : nullptr;
    if (f.map_task) e["map"] = *f.map_task;
    e["pairs"] = f.pairs;
    e["bytes"] = f.bytes;
    e["sha256"] = f.sha256;
    j["files"].push_back(std::move(e));
  }
  return j.dump(2) + "\n";
}

bool IsJobOutputDir(const std::string& dir) {
  std::error_code ec;
  return fs::is_directory(dir, ec) && fs::is_regular_file(fs::path(dir) / kIndexFileName, ec);
}

absl::StatusOr<OutputIndex> ReadOutputIndex(const std::string& dir) {
  const std::string path = (fs::path(dir) / kIndexFileName).string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(dir, ": not a dxt job output (no ", kIndexFileName, ")"));
  std::stringstream text;
  text << in.rdbuf();
  auto bad = [&path](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", Av(why)));
  };
  nlohmann::json j = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not valid JSON");
  if (j.value("format", "") != kOutputFormat) return bad(absl::StrCat("format is not ", kOutputFormat));
  if (!j.contains("files") || !j["files"].is_array()) return bad("no \"files\" list");
  OutputIndex index;
  index.job = j.value("job", "");
  if (j.contains("partitions") && j["partitions"].is_number_unsigned()) {
    index.partitions = j["partitions"].get<uint32_t>();
  }
  if (j.contains("part_format")) {
    if (j["part_format"] != kDiscoPartFormat) return bad("part_format is not \"disco\"");
    index.disco_parts = true;
  }
  for (const nlohmann::json& e : j["files"]) {
    if (!e.is_object() || !e.contains("file") || !e["file"].is_string()) {
      return bad("a files[] entry has no \"file\" name");
    }
    OutputFile f;
    f.file = e["file"].get<std::string>();
    if (f.file.empty() || f.file.find('/') != std::string::npos || f.file[0] == '.') {
      return bad(absl::StrCat("bad file name \"", f.file, "\""));
    }
    if (e.contains("partition") && e["partition"].is_number_unsigned()) {
      f.partition = e["partition"].get<uint32_t>();
    }
    if (e.contains("map") && e["map"].is_number_unsigned()) f.map_task = e["map"].get<uint32_t>();
    f.pairs = e.value("pairs", uint64_t{0});
    f.bytes = e.value("bytes", uint64_t{0});
    f.sha256 = e.value("sha256", "");
    index.files.push_back(std::move(f));
  }
  return index;
}

namespace {

// True when `inner` is `outer` or lies below it (both absolute and normal).
bool IsWithin(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

fs::path Canonical(const std::string& path) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
  return ec ? fs::absolute(path).lexically_normal() : p;
}

// Whether --force may delete `target`: only a directory that a dxt run provably wrote (its
// index.json lists every entry) and that holds nothing the job itself needs.
absl::Status CheckReplaceable(const fs::path& target, const std::vector<std::string>& keep) {
  const fs::path real = Canonical(target.string());
  for (const std::string& k : keep) {
    if (IsWithin(Canonical(k), real)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "output ", target.string(), " holds ", k, ", which this job needs: --force will not replace it"));
    }
  }
  absl::StatusOr<OutputIndex> index = ReadOutputIndex(target.string());
  if (!index.ok()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "output ", target.string(), " exists and is not a dxt job output (", index.status().message(),
        "): --force replaces only a directory written by dxt run"));
  }
  std::set<std::string> listed = {kIndexFileName};
  for (const OutputFile& f : index->files) listed.insert(f.file);
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(target, ec)) {
    const std::string name = e.path().filename().string();
    if (!listed.count(name)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "output ", target.string(), " holds ", name, ", which its ", kIndexFileName,
          " does not list: not replacing a directory dxt run did not write wholly (remove it yourself)"));
    }
  }
  if (ec) {
    return absl::FailedPreconditionError(
        absl::StrCat("output ", target.string(), ": cannot list it: ", ec.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<OutputStaging> OutputStaging::Create(const std::string& final_dir, bool force,
                                                    const std::vector<std::string>& keep) {
  fs::path target = fs::absolute(fs::path(final_dir)).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  std::error_code ec;
  if (!fs::is_directory(target.parent_path(), ec)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "output ", target.string(), ": parent directory ", target.parent_path().string(),
        " does not exist (dxt run does not create it)"));
  }
  if (fs::exists(fs::symlink_status(target, ec))) {
    if (!fs::is_directory(fs::symlink_status(target, ec))) {
      return absl::FailedPreconditionError(absl::StrCat("output ", target.string(), " exists and is not a directory"));
    }
    if (!force) {
      return absl::FailedPreconditionError(
          absl::StrCat("output ", target.string(), " already exists (use --force to replace it)"));
    }
    if (absl::Status s = CheckReplaceable(target, keep); !s.ok()) return s;
  }
  // The owner is in the name (harness/lifetime.h): a later run removes what a killed one left.
  std::string prefix = target.filename().string() + ".tmp-";
  harness::RemoveDeadLeftovers(target.parent_path().string(), prefix);
  std::string tmpl = absl::StrCat(target.string(), ".tmp-", harness::OwnerTag(), "-XXXXXX");
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create ", tmpl, ": ", std::strerror(errno)));
  }
  harness::RegisterTempPath(tmpl);  // removed if a stop signal comes first
  return OutputStaging(target.string(), tmpl, force);
}

OutputStaging::OutputStaging(OutputStaging&& other) noexcept
    : final_(std::move(other.final_)),
      staging_(std::move(other.staging_)),
      force_(other.force_),
      committed_(other.committed_) {
  other.committed_ = true;  // the moved-from object owns nothing
}

OutputStaging::~OutputStaging() {
  if (committed_ || staging_.empty()) return;
  std::error_code ec;
  fs::remove_all(staging_, ec);
  harness::UnregisterTempPath(staging_);
}

absl::Status OutputStaging::Commit() {
  std::error_code ec;
  if (fs::exists(final_, ec)) {
    if (!force_) return absl::FailedPreconditionError(absl::StrCat("output ", final_, " appeared meanwhile"));
    // Exchange, so at every instant final_ names a complete output; then drop the old one.
    if (renameat2(AT_FDCWD, staging_.c_str(), AT_FDCWD, final_.c_str(), RENAME_EXCHANGE) != 0) {
      return absl::InternalError(absl::StrCat("cannot replace ", final_, ": ", std::strerror(errno)));
    }
    fs::remove_all(staging_, ec);  // now holds the previous output
  } else if (std::rename(staging_.c_str(), final_.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", staging_, " to ", final_, ": ", std::strerror(errno)));
  }
  committed_ = true;
  harness::UnregisterTempPath(staging_);
  return absl::OkStatus();
}

}  // namespace dxt::executor
