// The owner tag is in the name, not in a file inside: a directory is never without its owner,
// even when dxt is killed between making it and writing into it, and telling a leftover from a
// live directory needs no read of anything a program may have written to.
//
// The stop thread takes the signals with sigwait, so no async-signal-safety rules constrain what
// it does; the workers learn of the stop through StopRequested and through their programs dying.
#include "harness/lifetime.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"

namespace dxt::harness {
namespace fs = std::filesystem;
namespace {

constexpr char kProcessDirPrefix[] = "dxt-tmp-";

// A whole decimal number, nothing else.
bool ParseNumber(std::string_view text, uint64_t* n) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *n);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

// Field 22 of /proc/PID/stat (after the parenthesised command name, which may hold spaces).
std::string StartTime(const std::string& pid) {
  std::ifstream in("/proc/" + pid + "/stat");
  std::string line;
  if (!std::getline(in, line)) return "";
  auto paren = line.rfind(')');
  if (paren == std::string::npos) return "";
  std::istringstream rest(line.substr(paren + 1));
  std::string field;
  for (int i = 3; i <= 22; ++i)
    if (!(rest >> field)) return "";
  return field;
}

struct State {
  std::mutex mu;
  std::set<std::string> paths;
  std::vector<std::function<void()>> hooks;
  std::string process_dir;
};

State& Global() {
  static State* s = new State;  // never destroyed: the signal thread may use it during exit
  return *s;
}

std::atomic<int> stop_signal{0};

void RemoveQuietly(const std::string& path) {
  std::error_code ec;
  fs::recursive_directory_iterator it(path, ec), end;
  for (; !ec && it != end; it.increment(ec)) {  // read-only directories would keep their entries
    if (it->is_symlink(ec) || !it->is_directory(ec)) continue;
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::remove_all(path, ec);
}

void RemoveRegistered() {
  State& s = Global();
  std::set<std::string> paths;
  std::string dir;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    paths = s.paths;
    dir = s.process_dir;
  }
  for (const auto& p : paths) RemoveQuietly(p);
  if (!dir.empty()) RemoveQuietly(dir);
}

[[noreturn]] void DieOf(int sig) {
  std::cout.flush();
  std::fflush(nullptr);
  ::signal(sig, SIG_DFL);
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, sig);
  ::pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
  ::raise(sig);
  ::_exit(128 + sig);
}

void SignalThread(sigset_t set) {
  for (;;) {
    int sig = 0;
    if (::sigwait(&set, &sig) != 0) continue;
    int expected = 0;
    if (!stop_signal.compare_exchange_strong(expected, sig)) {
      RemoveRegistered();  // a second signal: no more waiting
      ::_exit(128 + stop_signal.load());
    }
    std::vector<std::function<void()>> hooks;
    {
      std::lock_guard<std::mutex> lock(Global().mu);
      hooks = Global().hooks;
    }
    for (auto& h : hooks) h();
    // The watchdog: the command had its chance to finish cleanly.
    std::thread([sig] {
      std::this_thread::sleep_for(kStopGrace);
      std::cerr << "dxt: did not stop within " << kStopGrace.count()
                << " s of the signal; removing temporary files and exiting\n";
      RemoveRegistered();
      ::_exit(128 + sig);
    }).detach();
  }
}

struct ProcessDirRemover {
  ~ProcessDirRemover() {
    std::string dir;
    {
      std::lock_guard<std::mutex> lock(Global().mu);
      dir = Global().process_dir;
    }
    if (!dir.empty()) RemoveQuietly(dir);
  }
};

}  // namespace

const std::string& OwnerTag() {
  static const std::string tag = [] {
    std::string pid = std::to_string(::getpid());
    return absl::StrCat(pid, ".", StartTime(pid));
  }();
  return tag;
}

bool OwnerAlive(std::string_view tag) {
  auto dot = tag.find('.');
  if (dot == std::string_view::npos) return false;
  uint64_t pid = 0, start = 0;
  if (!ParseNumber(tag.substr(0, dot), &pid) || !ParseNumber(tag.substr(dot + 1), &start))
    return false;
  std::string now = StartTime(std::to_string(pid));
  return !now.empty() && now == tag.substr(dot + 1);
}

void RemoveDeadLeftovers(const std::string& dir, std::string_view prefix) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!std::string_view(name).starts_with(prefix)) continue;
    std::string_view rest = std::string_view(name).substr(prefix.size());
    auto dash = rest.find('-');
    if (dash == std::string_view::npos) continue;
    std::string_view tag = rest.substr(0, dash);
    auto dot = tag.find('.');
    uint64_t n = 0;
    // Only a well-formed tag of a dead process: anything else may belong to someone else.
    if (dot == std::string_view::npos || !ParseNumber(tag.substr(0, dot), &n) ||
        !ParseNumber(tag.substr(dot + 1), &n) || OwnerAlive(tag))
      continue;
    RemoveQuietly(it->path().string());
  }
}

void RemoveDeadProcessDirs() { RemoveDeadLeftovers(TempRoot(), kProcessDirPrefix); }

std::string TempRoot() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp && *tmp ? tmp : "/tmp";
}

absl::StatusOr<std::string> ProcessTempDir() {
  static ProcessDirRemover remover;  // constructed before the directory exists: destroyed after
  State& s = Global();
  std::lock_guard<std::mutex> lock(s.mu);
  if (!s.process_dir.empty()) return s.process_dir;
  std::string root = TempRoot();
  RemoveDeadProcessDirs();
  std::string tmpl = absl::StrCat(root, "/", kProcessDirPrefix, OwnerTag(), "-XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr)
    return absl::InternalError(absl::StrCat("cannot make dxt's temporary directory ", tmpl, ": ",
                                            std::strerror(errno)));
  s.process_dir = tmpl;
  return s.process_dir;
}

void RegisterTempPath(const std::string& path) {
  std::lock_guard<std::mutex> lock(Global().mu);
  Global().paths.insert(path);
}

void UnregisterTempPath(const std::string& path) {
  std::lock_guard<std::mutex> lock(Global().mu);
  Global().paths.erase(path);
}

void InstallStopSignals() {
  static std::once_flag once;
  std::call_once(once, [] {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&set, sig);
    ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::thread(SignalThread, set).detach();
  });
}

void AddStopHook(std::function<void()> hook) {
  std::lock_guard<std::mutex> lock(Global().mu);
  Global().hooks.push_back(std::move(hook));
}

bool StopRequested() { return stop_signal.load() != 0; }
int StopSignal() { return stop_signal.load(); }

void FinishStopped() {
  RemoveRegistered();
  DieOf(StopSignal() != 0 ? StopSignal() : SIGTERM);
}

}  // namespace dxt::harness
