// The private working directory a program runs in (SPEC R1.2, R1.3): a fresh mkdtemp directory
// holding a copy of the program and its supporting files, flat; snapshots of it before and after
// the run tell which files the program created, changed or removed.
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
  std::string dir;           // absolute path of the private directory
  std::string program_path;  // absolute path of the program's copy inside it
};

// Creates the directory under $TMPDIR (or /tmp) and copies `program` and `files` into it.
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
SandboxDiff DiffSnapshots(const DirSnapshot& before, const DirSnapshot& after);

// Removes the directory and everything in it (making read-only directories writable first; files
// keep their modes, since a sandbox's program is a hard link to a staged copy).
void RemoveSandbox(const std::string& dir);

}  // namespace dxt::harness

#endif  // DXT_HARNESS_SANDBOX_H_
