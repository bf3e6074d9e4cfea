// The private places a program runs in (SPEC R1.2, R1.3): a fresh case directory under dxt's own
// temporary directory (lifetime.h) holding `work/` (the working directory: a copy of the program
// and its supporting files, flat), `tmp/` (its /tmp, or $TMPDIR) and `home/` (its $HOME).
// Snapshots of the three before and after the run tell which files the program created, changed
// or removed in each.
#ifndef DXT_HARNESS_SANDBOX_H_
#define DXT_HARNESS_SANDBOX_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/transcript.h"

namespace dxt::harness {

struct Sandbox {
  std::string case_dir;      // holds the three below; RemoveSandbox(case_dir) removes all
  std::string dir;           // absolute path of the working directory
  std::string program_path;  // absolute path of the program's copy inside it
  std::string tmp_dir;       // the program's /tmp (namespaces) or $TMPDIR
  std::string home_dir;      // the program's $HOME
};

// Creates the case directory and copies `program` and `files` into its work directory. When the
// case directory lies under /tmp, the mount points a namespace sandbox needs for `dir` and
// `home_dir` (their paths below /tmp) are made inside `tmp_dir` too, so the sandbox never creates
// them in a program's view of /tmp.
//  NotFound: the program or a file does not exist (message names it).
//  FailedPrecondition: the program is not a regular executable file; two files share a name.
//  Internal: a filesystem failure.
absl::StatusOr<Sandbox> CreateSandbox(const std::string& program,
                                      const std::vector<std::string>& files);

struct FileStamp {
  uint64_t size = 0;
  int64_t mtime_ns = 0;
  bool is_dir = false;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
using DirSnapshot = std::map<std::string, FileStamp>;  // relative path -> stamp, recursive

DirSnapshot SnapshotDir(const std::string& dir);
// Names in the result are the snapshot's relative paths, each prefixed with `label` ("" for the
// work directory, "/tmp/" or "$HOME/" for the others).
SandboxDiff DiffSnapshots(const DirSnapshot& before, const DirSnapshot& after,
                          const std::string& label = "");

// process.h's ResolveIsolation and NamespacesVerdict are implemented here: the probe starts a
// real sandbox (a case directory, /bin/true as the program) once per process, unless a program
// RunRecorded started under kAuto has already answered.

// Removes the directory and everything in it (making read-only directories writable first; files
// keep their modes, since a sandbox's program is a hard link to a staged copy).
void RemoveSandbox(const std::string& dir);

}  // namespace dxt::harness

#endif  // DXT_HARNESS_SANDBOX_H_
