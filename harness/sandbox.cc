// The copies keep the program's permission bits (a #! script stays runnable; the original's
// chmod 0100 broke scripts, R1.2). Snapshots compare names, sizes and mtimes: enough to see a
// program writing a file (R1.3) without reading contents.
//
// The program is copied once per process into a staging directory and hard-linked into each
// sandbox: a suite of ~200 cases used to copy it ~200 times, most of a run's kernel time for a
// multi-MiB binary. The link shares the staged inode, so the staged copy's stamp is checked
// before every link and the program restaged if a run changed it (a script that rewrote itself,
// a chmod); the user's original is never linked. Where links fail (another file system, no
// link support) the program is copied as before.
#include "harness/sandbox.h"

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <mutex>
#include <set>
#include <system_error>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "harness/lifetime.h"
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

// What identifies a file's content and mode well enough to reuse a copy of it.
struct FileId {
  dev_t dev = 0;
  ino_t ino = 0;
  off_t size = 0;
  int64_t mtime_ns = 0;
  mode_t mode = 0;
  auto Key() const { return std::tie(dev, ino, size, mtime_ns, mode); }
  friend bool operator<(const FileId& a, const FileId& b) { return a.Key() < b.Key(); }
  friend bool operator==(const FileId& a, const FileId& b) { return a.Key() == b.Key(); }
};

bool StatId(const std::string& path, FileId* id) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  *id = {st.st_dev, st.st_ino, st.st_size,
         int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec, st.st_mode};
  return true;
}

// Staged copies of programs, one per distinct source file, in one directory removed at exit.
class Stage {
 public:
  ~Stage() {
    if (!dir_.empty()) RemoveSandbox(dir_);
  }

  // Hard-links a staged copy of `program` (whose id is `source`) to `to`. False when no staged
  // copy can be made or linked; the caller then copies.
  bool LinkInto(const std::string& program, const FileId& source, const fs::path& to) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = staged_.find(source);
    FileId now;
    if (it != staged_.end() && !(StatId(it->second.path, &now) && now == it->second.id)) {
      staged_.erase(it);  // changed through an earlier sandbox's link
      it = staged_.end();
    }
    if (it == staged_.end()) {
      std::optional<Staged> fresh = StageCopy(program);
      if (!fresh) return false;
      it = staged_.emplace(source, *fresh).first;
    }
    return ::link(it->second.path.c_str(), to.c_str()) == 0;
  }

 private:
  struct Staged {
    std::string path;
    FileId id;  // of the staged copy, when made
  };

  std::optional<Staged> StageCopy(const std::string& program) {
    if (dir_.empty()) {
      auto root = ProcessTempDir();
      if (!root.ok()) return std::nullopt;
      std::string tmpl = absl::StrCat(*root, "/stage-XXXXXX");
      if (::mkdtemp(tmpl.data()) == nullptr) return std::nullopt;
      dir_ = tmpl;
    }
    // Its own subdirectory keeps the program's file name (argv[0]) for every version staged.
    fs::path sub = fs::path(dir_) / std::to_string(++count_);
    std::error_code ec;
    fs::create_directory(sub, ec);
    if (ec) return std::nullopt;
    Staged out{(sub / fs::path(program).filename()).string(), {}};
    {
      std::lock_guard<std::mutex> spawn(SpawnMutex());  // the copy's write descriptor
      fs::copy_file(program, out.path, fs::copy_options::overwrite_existing, ec);
    }
    if (ec || !StatId(out.path, &out.id)) return std::nullopt;
    return out;
  }

  std::mutex mu_;
  std::string dir_;
  uint64_t count_ = 0;
  std::map<FileId, Staged> staged_;
};

Stage& ProgramStage() {
  static Stage stage;
  return stage;
}

// A path below /tmp, relative to it ("" when `path` is not below /tmp).
std::string BelowTmp(const std::string& path) {
  std::error_code ec;
  fs::path tmp = fs::weakly_canonical("/tmp", ec);
  fs::path p = fs::weakly_canonical(path, ec);
  fs::path rel = p.lexically_relative(tmp);
  if (ec || rel.empty() || *rel.begin() == "..") return "";
  return rel.string();
}

absl::Status MakeCaseDirs(const Sandbox& box) {
  std::error_code ec;
  for (const std::string* d : {&box.dir, &box.tmp_dir, &box.home_dir}) {
    fs::create_directory(*d, ec);
    if (ec) return absl::InternalError(absl::StrCat("cannot make ", *d, ": ", ec.message()));
  }
  for (const std::string* d : {&box.dir, &box.home_dir}) {
    std::string rel = BelowTmp(*d);
    if (rel.empty()) continue;
    fs::create_directories(fs::path(box.tmp_dir) / rel, ec);
    if (ec) return absl::InternalError(absl::StrCat("cannot make a mount point for ", *d, ": ",
                                                    ec.message()));
  }
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
  auto root = ProcessTempDir();
  if (!root.ok()) return root.status();
  std::string tmpl = absl::StrCat(*root, "/case-XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr)
    return absl::InternalError(absl::StrCat("mkdtemp ", tmpl, " failed"));
  Sandbox box{tmpl, tmpl + "/work", "", tmpl + "/tmp", tmpl + "/home"};
  if (absl::Status made = MakeCaseDirs(box); !made.ok()) {
    RemoveSandbox(box.case_dir);
    return made;
  }
  std::set<std::string> names;
  fs::path linked = fs::path(box.dir) / fs::path(program).filename();
  FileId source;
  if (StatId(program, &source) && ProgramStage().LinkInto(program, source, linked)) {
    names.insert(linked.filename().string());
    box.program_path = linked.string();
  }
  absl::Status s;
  fs::path copied;
  // Copies hold write descriptors without O_CLOEXEC (std::filesystem): no fork may see them.
  std::unique_lock<std::mutex> lock(SpawnMutex());
  if (box.program_path.empty()) {
    s = CopyInto(program, box.dir, &names, &copied);
    box.program_path = copied.string();
  }
  for (size_t i = 0; s.ok() && i < files.size(); ++i) s = CopyInto(files[i], box.dir, &names, &copied);
  lock.unlock();
  if (!s.ok()) {
    RemoveSandbox(box.case_dir);
    return s;
  }
  return box;
}

namespace {

// Starts the launcher itself (`--probe`, exits 0) as the program of a namespace sandbox.
absl::Status ProbeNamespaces() {
  auto box = CreateSandbox("/bin/true", {});
  if (!box.ok()) return box.status();
  LaunchSpec spec;
  spec.executable = "/bin/true";
  spec.argv = {"/bin/true"};
  spec.work_dir = box->dir;
  spec.env = {"PATH=/usr/bin:/bin"};
  spec.isolation = Isolation::kNamespaces;
  spec.tmp_dir = box->tmp_dir;
  spec.home_dir = box->home_dir;
  absl::Status result = absl::OkStatus();
  {
    auto io = SpawnProcess(spec);
    if (!io.ok()) {
      result = io.status();
    } else {
      PumpEvents ev;
      auto deadline = Clock::now() + std::chrono::seconds(30);
      while (!(*io)->exited() && Clock::now() < deadline) {
        if (absl::Status s = (*io)->Pump(deadline, &ev); !s.ok()) break;
      }
      ExitInfo e = (*io)->exit_info();
      if (!(*io)->exited() || !e.exited || e.exit_code != 0)
        result = absl::InternalError("a probe program in the sandbox did not exit 0");
    }
  }
  RemoveSandbox(box->case_dir);
  return result;
}

struct Verdict {
  std::mutex mu;
  std::optional<absl::Status> status;
};

Verdict& NamespacesState() {
  static Verdict v;
  return v;
}

}  // namespace

std::optional<absl::Status> NamespacesVerdict() {
  std::lock_guard<std::mutex> lock(NamespacesState().mu);
  return NamespacesState().status;
}

void RecordNamespacesVerdict(const absl::Status& verdict) {
  std::lock_guard<std::mutex> lock(NamespacesState().mu);
  if (!NamespacesState().status) NamespacesState().status = verdict;
}

absl::StatusOr<Isolation> ResolveIsolation(Isolation requested) {
  if (requested == Isolation::kProcessGroup) return requested;
  std::optional<absl::Status> verdict = NamespacesVerdict();
  if (!verdict) {
    static std::mutex probing;  // one probe, however many threads ask at once
    std::lock_guard<std::mutex> lock(probing);
    verdict = NamespacesVerdict();
    if (!verdict) {
      RecordNamespacesVerdict(ProbeNamespaces());
      verdict = NamespacesVerdict();
    }
  }
  if (verdict->ok()) return Isolation::kNamespaces;
  if (requested == Isolation::kAuto) return Isolation::kProcessGroup;
  return absl::FailedPreconditionError(absl::StrCat(
      "--isolation namespaces: cannot start a bubblewrap sandbox here: ", verdict->message()));
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

SandboxDiff DiffSnapshots(const DirSnapshot& before, const DirSnapshot& after,
                          const std::string& label) {
  SandboxDiff d;
  for (const auto& [name, stamp] : after) {
    auto it = before.find(name);
    if (it == before.end()) {
      d.created.push_back(label + name);
    } else if (!(it->second == stamp) && !stamp.is_dir) {
      d.changed.push_back(label + name);
    }
  }
  for (const auto& [name, stamp] : before)
    if (!after.count(name)) d.removed.push_back(label + name);
  return d;
}

void RemoveSandbox(const std::string& dir) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  // Only directories need opening up for their entries to be removed; files are left alone (the
  // program is a hard link to the staged copy, whose mode must not change).
  for (; !ec && it != end; it.increment(ec)) {
    if (it->is_symlink(ec) || !it->is_directory(ec)) continue;  // never chmod through a link
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(dir, ec);
}

}  // namespace dxt::harness
