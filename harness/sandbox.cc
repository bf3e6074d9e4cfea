// The copies keep the program's permission bits (a #! script stays runnable; the original's
// chmod 0100 broke scripts, R1.2). Snapshots compare names, sizes and mtimes: enough to see a
// program writing a file (R1.3) without reading contents.
#include "harness/sandbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "harness/process.h"

namespace dxt::harness {
namespace fs = std::filesystem;

namespace {

absl::Status CopyInto(const std::string& src, const fs::path& dir, std::set<std::string>* names,
                      fs::path* copied) {
  std::error_code ec;
  fs::path from(src);
  if (!fs::exists(from, ec)) return absl::NotFoundError(absl::StrCat("no such file: ", src));
  if (!fs::is_regular_file(from, ec))
    return absl::FailedPreconditionError(absl::StrCat("not a regular file: ", src));
  std::string name = from.filename().string();
  if (!names->insert(name).second)
    return absl::FailedPreconditionError(
        absl::StrCat("two files named '", name, "' would collide in the flat work directory"));
  fs::path to = dir / name;
  fs::copy_file(from, to, fs::copy_options::overwrite_existing, ec);
  if (ec) return absl::InternalError(absl::StrCat("copy ", src, ": ", ec.message()));
  *copied = to;
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Sandbox> CreateSandbox(const std::string& program,
                                      const std::vector<std::string>& files) {
  if (::access(program.c_str(), F_OK) != 0)
    return absl::NotFoundError(absl::StrCat("program not found: ", program));
  std::error_code ec;
  if (!fs::is_regular_file(program, ec) || ::access(program.c_str(), X_OK) != 0)
    return absl::FailedPreconditionError(
        absl::StrCat("program is not an executable file: ", program));
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = absl::StrCat(tmp && *tmp ? tmp : "/tmp", "/dxt-check-XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr)
    return absl::InternalError(absl::StrCat("mkdtemp ", tmpl, " failed"));
  Sandbox box{tmpl, ""};
  std::set<std::string> names;
  fs::path copied;
  // Copies hold write descriptors without O_CLOEXEC (std::filesystem): no fork may see them.
  std::unique_lock<std::mutex> lock(SpawnMutex());
  absl::Status s = CopyInto(program, box.dir, &names, &copied);
  box.program_path = copied.string();
  for (size_t i = 0; s.ok() && i < files.size(); ++i) s = CopyInto(files[i], box.dir, &names, &copied);
  lock.unlock();
  if (!s.ok()) {
    RemoveSandbox(box.dir);
    return s;
  }
  return box;
}

DirSnapshot SnapshotDir(const std::string& dir) {
  DirSnapshot snap;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    FileStamp f;
    f.size = S_ISDIR(st.st_mode) ? 0 : static_cast<uint64_t>(st.st_size);
    f.mtime_ns = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    f.is_dir = S_ISDIR(st.st_mode);
    snap[fs::relative(it->path(), dir, ec).string()] = f;
  }
  return snap;
}

SandboxDiff DiffSnapshots(const DirSnapshot& before, const DirSnapshot& after) {
  SandboxDiff d;
  for (const auto& [name, stamp] : after) {
    auto it = before.find(name);
    if (it == before.end()) {
      d.created.push_back(name);
    } else if (!(it->second == stamp) && !stamp.is_dir) {
      d.changed.push_back(name);
    }
  }
  for (const auto& [name, stamp] : before)
    if (!after.count(name)) d.removed.push_back(name);
  return d;
}

void RemoveSandbox(const std::string& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec)) continue;  // never chmod through a link out of the sandbox
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(dir, ec);
}

}  // namespace dxt::harness
