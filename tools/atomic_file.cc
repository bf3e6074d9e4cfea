#include "tools/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace dxt::tools {

absl::Status WriteFileAtomically(const std::string& path, std::string_view data) {
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string tmp = absl::StrCat(dir, slash == std::string::npos ? "/." : ".", base, ".tmpXXXXXX");
  const int fd = mkstemp(tmp.data());
  auto fail = [&](const char* what) {
    const std::string text = absl::StrCat(path, ": ", what, ": ", std::strerror(errno));
    return absl::UnavailableError(text);
  };
  if (fd < 0) return fail("cannot create a temporary file");
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      absl::Status s = fail("write failed");
      close(fd);
      unlink(tmp.c_str());
      return s;
    }
    done += static_cast<size_t>(n);
  }
  // mkstemp makes 0600; give the file the usual permissions.
  const mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  if (close(fd) != 0 || std::rename(tmp.c_str(), path.c_str()) != 0) {
    absl::Status s = fail("cannot replace the file");
    unlink(tmp.c_str());
    return s;
  }
  return absl::OkStatus();
}

}  // namespace dxt::tools
