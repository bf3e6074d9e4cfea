// Hostile subjects against the real `dxt` at each isolation level (issue 9 §1, §3): the verdict,
// and that no process and no file outside dxt's own temporary directory is left after the run.
// Then stop signals (SIGTERM, SIGINT, SIGHUP, SIGKILL) sent to a `dxt check` and a `dxt run` while
// a program that ignores SIGTERM runs: nothing may be left (for SIGKILL: only a temporary directory
// that the next dxt removes).
//
// Every run gets a fresh $TMPDIR and a program copied under a unique name, so "left behind" is
// exact: a process is ours when its command line holds that name, a file when it is in that
// $TMPDIR. Namespaces are tested where the machine has them (CI does: root, bubblewrap).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_test_util.h"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kPrograms[] = DXT_BINARY_DIR "/tests/programs/";
constexpr char kDxt[] = DXT_BINARY_DIR "/tools/dxt";

std::string UniqueName(const std::string& stem) {
  static std::mt19937_64 rng(std::random_device{}());
  return stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(rng() % 1000000000);
}

// A process seen in /proc: its pid, its command line (NUL-separated) and whether it is a zombie.
struct LiveProcess {
  int pid = 0;
  std::string cmdline;
  bool zombie = false;
  std::string argv0() const { return cmdline.c_str(); }
};

// Every process in /proc now.
std::vector<LiveProcess> LiveProcesses() {
  std::vector<LiveProcess> out;
  std::error_code ec;
  for (fs::directory_iterator it("/proc", ec), end; !ec && it != end; it.increment(ec)) {
    std::string pid = it->path().filename().string();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    LiveProcess p;
    p.pid = std::stoi(pid);
    p.cmdline = dxt::testing::ReadFile(it->path() / "cmdline");
    std::string stat = dxt::testing::ReadFile(it->path() / "stat");
    auto paren = stat.rfind(')');
    p.zombie = paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
    out.push_back(std::move(p));
  }
  return out;
}

// Processes whose command line contains `needle` (our unique program name), zombies left out.
int ProcessesWith(const std::string& needle) {
  int n = 0;
  for (const LiveProcess& p : LiveProcesses())
    if (!p.zombie && p.cmdline.find(needle) != std::string::npos) ++n;
  return n;
}

// Pids of the processes whose argv[0] contains `needle`: the program and what it forked (not the
// launcher or bwrap, whose later arguments name it too), zombies left out.
std::vector<int> ProgramPids(const std::string& needle) {
  std::vector<int> pids;
  for (const LiveProcess& p : LiveProcesses())
    if (!p.zombie && p.argv0().find(needle) != std::string::npos) pids.push_back(p.pid);
  return pids;
}

// The pid of the dxt-launch process whose arguments name `needle`, or -1.
int LauncherOf(const std::string& needle) {
  for (const LiveProcess& p : LiveProcesses()) {
    const std::string argv0 = p.argv0();
    if (argv0.size() >= 10 && argv0.compare(argv0.size() - 10, 10, "dxt-launch") == 0 &&
        p.cmdline.find(needle) != std::string::npos)
      return p.pid;
  }
  return -1;
}

// Session id (/proc/PID/stat field 6) of `pid`, or -1.
int SessionOf(int pid) {
  std::string stat = dxt::testing::ReadFile("/proc/" + std::to_string(pid) + "/stat");
  auto paren = stat.rfind(')');
  if (paren == std::string::npos) return -1;
  std::istringstream rest(stat.substr(paren + 2));
  std::string state, ppid, pgrp, session;
  rest >> state >> ppid >> pgrp >> session;
  return session.empty() ? -1 : std::stoi(session);
}

// ignores_term's two processes are running, and the child has escaped into a session of its own
// (what a process-group kill cannot reach).
// (Several cases may run at once, e.g. the smoke stage's two per mode: any program with a child
// in another session will do.)
bool ProgramAndEscapedChildRun(const std::string& name) {
  std::vector<int> pids = ProgramPids(name);
  for (size_t i = 1; i < pids.size(); ++i)
    if (SessionOf(pids[i]) != SessionOf(pids[0])) return true;
  return false;
}

// Waits up to `limit` for `done`.
template <typename F>
bool WaitFor(F done, milliseconds limit) {
  auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

std::vector<std::string> Entries(const fs::path& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    out.push_back(it->path().filename().string());
  return out;
}

// One scratch world per test: $TMPDIR for dxt, a directory for programs, jobs and reports.
class World {
 public:
  World() {
    root_ = fs::temp_directory_path() / UniqueName("dxt-isolation-test");
    fs::create_directories(root_ / "tmp");
    fs::create_directories(root_ / "files");
  }
  ~World() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path tmp() const { return root_ / "tmp"; }
  fs::path files() const { return root_ / "files"; }
  // A copy of tests/programs/<subject> under a unique name (our needle in /proc).
  std::string Program(const std::string& subject) {
    fs::path to = files() / UniqueName(subject);
    fs::copy_file(fs::path(kPrograms) / subject, to);
    return to.string();
  }

  // Starts dxt with `args` (stdout/stderr to files), $TMPDIR = tmp(), `env` added.
  pid_t Start(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> argv = {kDxt};
    argv.insert(argv.end(), args.begin(), args.end());
    std::string out = (files() / "stdout").string(), err = (files() / "stderr").string();
    pid_t pid = fork();
    if (pid == 0) {
      setpgid(0, 0);  // a test's signal must reach dxt alone, as `kill PID` would
      int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(o, 1);
      dup2(e, 2);
      setenv("TMPDIR", tmp().c_str(), 1);
      for (const auto& kv : env) putenv(const_cast<char*>(kv.c_str()));
      std::vector<char*> cargv;
      for (auto& a : argv) cargv.push_back(a.data());
      cargv.push_back(nullptr);
      execv(kDxt, cargv.data());
      _exit(127);
    }
    return pid;
  }
  // Waits for it (up to 120 s, then kills it): the wait status.
  int Wait(pid_t pid) {
    int status = 0;
    bool done = WaitFor([&] { return waitpid(pid, &status, WNOHANG) == pid; }, milliseconds(120000));
    if (!done) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "dxt did not finish within 120 s";
    }
    return status;
  }
  int Run(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    int status = Wait(Start(args, env));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::string Stdout() const { return dxt::testing::ReadFile(files() / "stdout"); }
  std::string Stderr() const { return dxt::testing::ReadFile(files() / "stderr"); }
  json Report() const { return json::parse(dxt::testing::ReadFile(files() / "report.json")); }
  std::string ReportPath() const { return (files() / "report.json").string(); }

 private:
  fs::path root_;
};

bool NamespacesAvailable() {
  static const bool ok = [] {
    World w;
    std::string echo = w.Program("good_echo");
    return w.Run({"check", "--mode", "map", "--cases", "1.1.1",
                  "--isolation", "namespaces", echo}) == 0;
  }();
  return ok;
}

class IsolationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "namespaces" && !NamespacesAvailable()) {
      if (std::getenv("DXT_REQUIRE_NAMESPACES") != nullptr)
        FAIL() << "DXT_REQUIRE_NAMESPACES is set but no namespace sandbox starts here";
      GTEST_SKIP() << "no namespace sandbox on this machine";
    }
  }
  // dxt check --suite core --mode reduce on `subject`; returns the exit code.
  int Check(World& w, const std::string& program, const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args = {"check",        "--suite",     "core",   "--mode",
                                     "reduce",       "--timeout",   "5",      "--isolation",
                                     GetParam(),     "--report-json", w.ReportPath(), program};
    if (!extra_args.empty()) {
      args.push_back("--");
      args.insert(args.end(), extra_args.begin(), extra_args.end());
    }
    return w.Run(args);
  }
  // Every case's `check` has `verdict`, and its detail contains `detail`.
  void ExpectEveryCase(World& w, const std::string& check, const std::string& verdict,
                       const std::string& detail = "") {
    json r = w.Report();
    EXPECT_EQ(r.value("isolation", ""), GetParam());
    ASSERT_FALSE(r["cases"].empty());
    for (const auto& c : r["cases"]) {
      for (const auto& k : c["checks"]) {
        if (k["check"] != check) continue;
        EXPECT_EQ(k["verdict"], verdict) << c["id"] << ": " << k.dump();
        EXPECT_NE(k.value("detail", "").find(detail), std::string::npos) << k.dump();
      }
    }
  }
  // Nothing of the run is left: no process with the program's name, nothing in $TMPDIR.
  void ExpectNothingLeft(World& w, const std::string& program) {
    std::string name = fs::path(program).filename().string();
    EXPECT_TRUE(WaitFor([&] { return ProcessesWith(name) == 0; }, milliseconds(5000)))
        << ProcessesWith(name) << " process(es) of " << name << " left";
    EXPECT_TRUE(Entries(w.tmp()).empty()) << "left in $TMPDIR: " << Entries(w.tmp()).front();
  }
};

TEST_P(IsolationTest, DaemonIsKilledAndReported) {
  World w;
  std::string p = w.Program("daemon");
  EXPECT_EQ(Check(w, p), 1) << w.Stdout() << w.Stderr();
  ExpectEveryCase(w, "hang", "FAILED", "descendant process(es) running");
  ExpectNothingLeft(w, p);
}

TEST_P(IsolationTest, SetsidChildIsKilledAndReported) {
  World w;
  std::string p = w.Program("setsid_child");
  EXPECT_EQ(Check(w, p), 1) << w.Stdout() << w.Stderr();
  ExpectEveryCase(w, "hang", "FAILED", "descendant");
  ExpectNothingLeft(w, p);
}

TEST_P(IsolationTest, SetpgidChildIsKilledAndReported) {
  World w;
  std::string p = w.Program("setpgid_child");
  EXPECT_EQ(Check(w, p), 1) << w.Stdout() << w.Stderr();
  ExpectEveryCase(w, "hang", "FAILED", "descendant");
  ExpectNothingLeft(w, p);
}

TEST_P(IsolationTest, HomeWriterIsReportedAndContained) {
  World w;
  std::string p = w.Program("writes_home");
  const char* home = std::getenv("HOME");
  bool had = home && fs::exists(fs::path(home) / ".dxt-hostile");
  EXPECT_EQ(Check(w, p), 1) << w.Stdout() << w.Stderr();
  ExpectEveryCase(w, "sandbox", "FAILED", "created $HOME/.dxt-hostile");
  if (home && !had) {
    EXPECT_FALSE(fs::exists(fs::path(home) / ".dxt-hostile"));
  }
  ExpectNothingLeft(w, p);
}

TEST_P(IsolationTest, TmpWriterIsReportedAndContainedUnderNamespaces) {
  World w;
  std::string p = w.Program("writes_tmp");
  std::string tag = UniqueName("t");
  fs::path host_file = fs::path("/tmp") / ("dxt-hostile-" + tag + ".scratch");
  int code = Check(w, p, {tag});
  if (GetParam() == "namespaces") {
    EXPECT_EQ(code, 1) << w.Stdout() << w.Stderr();
    ExpectEveryCase(w, "sandbox", "FAILED", "created /tmp/dxt-hostile-" + tag + ".scratch");
    EXPECT_FALSE(fs::exists(host_file)) << "reached the host";
  } else {
    // The documented limit of process-group isolation: the host's /tmp is the program's.
    EXPECT_EQ(code, 0) << w.Stdout() << w.Stderr();
    EXPECT_TRUE(fs::exists(host_file));
    std::error_code ec;
    fs::remove(host_file, ec);
  }
  ExpectNothingLeft(w, p);
}

TEST_P(IsolationTest, NetworkIsCutUnderNamespaces) {
  World w;
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(listen(listener, 64), 0);
  socklen_t len = sizeof addr;
  getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string p = w.Program("connects");
  EXPECT_EQ(Check(w, p, {std::to_string(ntohs(addr.sin_port))}), 0) << w.Stdout() << w.Stderr();
  int accepted = 0;
  for (int fd; (fd = accept(listener, nullptr, nullptr)) >= 0; ++accepted) close(fd);
  close(listener);
  if (GetParam() == "namespaces") {
    EXPECT_EQ(accepted, 0);
  } else {
    EXPECT_GT(accepted, 0);  // the host's network is the program's at this level
  }
  ExpectNothingLeft(w, p);
}

TEST_P(IsolationTest, NoExtraDescriptorsAndExactCrash) {
  World w;
  std::string fds = w.Program("lists_fds");
  EXPECT_EQ(Check(w, fds), 0) << w.Stdout() << w.Stderr();
  std::string segv = w.Program("segfault");
  EXPECT_EQ(Check(w, segv), 1);
  json r = w.Report();
  bool crash_seen = false;
  for (const auto& c : r["cases"])
    for (const auto& k : c["checks"]) {
      if (k["check"] == "crash" && k["verdict"] == "FAILED") crash_seen = true;
      if (k["check"] == "exit") {
        EXPECT_NE(k["verdict"], "FAILED") << k.dump();  // not exit 139
      }
    }
  EXPECT_TRUE(crash_seen) << r.dump();
  ExpectNothingLeft(w, segv);
}

// A stop signal while a program that ignores SIGTERM (and its setsid child) runs.
TEST_P(IsolationTest, StopSignalsLeaveNothing) {
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGKILL}) {
    SCOPED_TRACE(strsignal(sig));
    World w;
    std::string p = w.Program("ignores_term");
    std::string name = fs::path(p).filename().string();
    pid_t dxt = w.Start({"check", "--suite", "core", "--mode", "map", "--timeout", "60",
                         "--isolation", GetParam(), p});
    ASSERT_TRUE(WaitFor([&] { return ProgramAndEscapedChildRun(name); }, milliseconds(20000)));
    kill(dxt, sig);
    int status = w.Wait(dxt);
    ASSERT_TRUE(WIFSIGNALED(status)) << status << w.Stdout() << w.Stderr();
    EXPECT_EQ(WTERMSIG(status), sig);
    EXPECT_TRUE(WaitFor([&] { return ProcessesWith(name) == 0; }, milliseconds(5000)))
        << ProcessesWith(name) << " process(es) left";
    if (sig != SIGKILL) {
      EXPECT_NE(w.Stdout().find("interrupted by SIG"), std::string::npos) << w.Stdout();
      EXPECT_NE(w.Stdout().find("case(s):"), std::string::npos) << w.Stdout();
      EXPECT_TRUE(Entries(w.tmp()).empty()) << Entries(w.tmp()).front();
    } else {
      // Only dxt's own directory, named for its dead owner; the next dxt removes it.
      auto left = Entries(w.tmp());
      ASSERT_EQ(left.size(), 1u);
      EXPECT_EQ(left[0].rfind("dxt-tmp-", 0), 0u) << left[0];
      std::string echo = w.Program("good_echo");
      EXPECT_EQ(w.Run({"check", "--mode", "map", "--cases", "1.1.1",
                       "--isolation", GetParam(), echo}),
                0);
      EXPECT_TRUE(Entries(w.tmp()).empty()) << Entries(w.tmp()).front();
    }
  }
}

// The launcher killed from outside (kill -9, the OOM killer) while the program and its setsid
// child, both ignoring SIGTERM, run: the program dies with it (PR_SET_PDEATHSIG), the child is
// reparented to dxt (a child subreaper), which kills it, and dxt reports the case and goes on.
// In process-group mode both used to live on under init.
TEST_P(IsolationTest, KilledLauncherLeavesNothing) {
  World w;
  std::string p = w.Program("ignores_term");
  std::string name = fs::path(p).filename().string();
  pid_t dxt = w.Start({"check", "--mode", "map", "--cases", "1.1.1", "--timeout", "60",
                       "--no-retry", "--isolation", GetParam(), "--report-json", w.ReportPath(), p});
  ASSERT_TRUE(WaitFor([&] { return ProgramAndEscapedChildRun(name); }, milliseconds(20000)));
  const int launcher = LauncherOf(name);
  ASSERT_GT(launcher, 0);
  kill(launcher, SIGKILL);
  EXPECT_TRUE(WaitFor([&] { return ProgramPids(name).empty(); }, milliseconds(5000)))
      << ProgramPids(name).size() << " process(es) left";
  int status = w.Wait(dxt);
  ASSERT_TRUE(WIFEXITED(status)) << status << w.Stdout() << w.Stderr();
  EXPECT_EQ(WEXITSTATUS(status), 1) << w.Stdout() << w.Stderr();
  EXPECT_NE(w.Stdout().find("FAILED"), std::string::npos) << w.Stdout();
  ExpectNothingLeft(w, p);
}

// `dxt run` stopped while its map program ignores SIGTERM: no process, no OUT.tmp-*.
TEST_P(IsolationTest, StopSignalsLeaveNoStagedOutput) {
  for (int sig : {SIGTERM, SIGKILL}) {
    SCOPED_TRACE(strsignal(sig));
    World w;
    std::string p = w.Program("ignores_term");
    std::string name = fs::path(p).filename().string();
    std::ofstream(w.files() / "in.txt") << "a\nb\n";
    std::ofstream(w.files() / "job.json")
        << json{{"name", "stop"}, {"input", {"in.txt"}}, {"map", {{"program", p}}},
                {"output", "out"}}.dump();
    pid_t dxt = w.Start({"run", "--isolation", GetParam(), "--reply-timeout-ms", "60000",
                         (w.files() / "job.json").string()});
    ASSERT_TRUE(WaitFor([&] { return ProcessesWith(name) >= 2; }, milliseconds(20000)));
    kill(dxt, sig);
    int status = w.Wait(dxt);
    ASSERT_TRUE(WIFSIGNALED(status)) << status << w.Stderr();
    EXPECT_TRUE(WaitFor([&] { return ProcessesWith(name) == 0; }, milliseconds(5000)));
    auto staged = [&] {
      int n = 0;
      for (const auto& e : Entries(w.files())) n += e.rfind("out.tmp-", 0) == 0;
      return n;
    };
    EXPECT_FALSE(fs::exists(w.files() / "out"));
    if (sig == SIGKILL) {
      EXPECT_EQ(staged(), 1);
      // The next run of the job removes the dead run's staging directory (and fails the same way
      // on this program: it is the leftover we look at).
      std::ofstream(w.files() / "job.json")
          << json{{"name", "stop"}, {"input", {"in.txt"}}, {"map", "nop_map"}, {"output", "out"}}
                 .dump();
      EXPECT_EQ(w.Run({"run", (w.files() / "job.json").string()}), 0) << w.Stderr();
    }
    EXPECT_EQ(staged(), 0);
    EXPECT_TRUE(Entries(w.tmp()).empty()) << Entries(w.tmp()).front();
  }
}

INSTANTIATE_TEST_SUITE_P(Levels, IsolationTest, ::testing::Values("namespaces", "process-group"),
                         [](const auto& info) {
                           return info.param == "namespaces" ? "Namespaces" : "ProcessGroup";
                         });

// `namespaces` where they cannot be had: a clear error, exit 2; `auto` falls back and says so.
TEST(IsolationFallbackTest, NoBwrap) {
  World w;
  std::string echo = w.Program("good_echo");
  std::vector<std::string> base = {"check", "--mode", "map", "--cases", "1.1.1", echo};
  std::vector<std::string> ns = base;
  ns.insert(ns.begin() + 1, {"--isolation", "namespaces"});
  EXPECT_EQ(w.Run(ns, {"DXT_BWRAP="}), 2);
  EXPECT_NE(w.Stderr().find("--isolation namespaces: cannot start a bubblewrap sandbox"),
            std::string::npos)
      << w.Stderr();
  EXPECT_NE(w.Stderr().find("no bwrap found"), std::string::npos) << w.Stderr();
  EXPECT_EQ(w.Run(base, {"DXT_BWRAP="}), 0) << w.Stderr();
  EXPECT_NE(w.Stdout().find("isolation process-group"), std::string::npos) << w.Stdout();
  EXPECT_TRUE(Entries(w.tmp()).empty());
}

// `dxt run` under auto starts no probe sandbox: its first program's start finds out. Where the
// sandbox cannot come up (a bwrap that fails) that program and the rest run under process-group
// isolation and the log says why; a program that cannot be started is still an error, not a
// reason to leave the sandbox; an explicit `namespaces` is refused before anything is written.
TEST(IsolationFallbackTest, RunFindsOutOnItsFirstProgram) {
  World w;
  const fs::path in = w.files() / "in.txt", out = w.files() / "out", job = w.files() / "job.json";
  std::ofstream(in) << "one\ntwo\n";
  auto write_job = [&](const std::string& program) {
    std::ofstream(job) << json{
        {"name", "iso"},
        {"input", {in.string()}},
        {"map", {{"program", program}}},
        {"partitions", nullptr},
        {"output",
         out.string()}}.dump();
  };
  write_job(w.Program("good_echo"));
  const std::string failing_bwrap = "DXT_BWRAP=/bin/false";
  ASSERT_EQ(w.Run({"run", job.string()}), 0) << w.Stderr();
  EXPECT_NE(w.Stderr().find("external programs ran under namespaces isolation"), std::string::npos)
      << w.Stderr();
  const std::string expected = dxt::testing::ReadFile(out / "part-00000");
  EXPECT_FALSE(expected.empty());

  ASSERT_EQ(w.Run({"run", "--force", job.string()}, {failing_bwrap}), 0) << w.Stderr();
  EXPECT_NE(w.Stderr().find("external programs ran under process-group isolation (no namespace "
                            "sandbox here: cannot start"),
            std::string::npos)
      << w.Stderr();
  EXPECT_EQ(dxt::testing::ReadFile(out / "part-00000"), expected);

  fs::remove_all(out);
  EXPECT_EQ(w.Run({"run", "--isolation", "namespaces", job.string()}, {failing_bwrap}), 2);
  EXPECT_NE(w.Stderr().find("--isolation namespaces: cannot start a bubblewrap sandbox"),
            std::string::npos)
      << w.Stderr();
  EXPECT_FALSE(fs::exists(out));

  // A job of built-ins starts no program: nothing to say about isolation.
  std::ofstream(job) << json{
      {"name", "iso"},
      {"input", {in.string()}},
      {"map", "nop_map"},
      {"output",
       out.string()}}.dump();
  ASSERT_EQ(w.Run({"run", "--isolation", "namespaces", job.string()}), 0) << w.Stderr();
  EXPECT_EQ(w.Stderr().find("ran under"), std::string::npos) << w.Stderr();
  fs::remove_all(out);

  const fs::path unrunnable = w.files() / "no_interpreter.sh";  // execve fails: ENOENT
  std::ofstream(unrunnable) << "#!/no/such/interpreter\n";
  fs::permissions(unrunnable, fs::perms::owner_all);
  write_job(unrunnable.string());
  EXPECT_EQ(w.Run({"run", job.string()}), 1) << w.Stderr();
  EXPECT_EQ(w.Stderr().find("process-group"), std::string::npos) << w.Stderr();
  EXPECT_FALSE(fs::exists(out));
  EXPECT_TRUE(Entries(w.tmp()).empty());
}

TEST(IsolationFallbackTest, BadLevelIsAUsageError) {
  World w;
  EXPECT_EQ(w.Run({"check", "--isolation", "chroot", w.Program("good_echo")}), 2);
  EXPECT_EQ(w.Run({"run", "--isolation", "chroot", "job.json"}), 2);
}

// A live dxt's directory is never touched by another dxt; a dead one's is.
TEST(IsolationFallbackTest, LeftoversOfLiveOwnersStay) {
  World w;
  // Owner tag of this (live) test process, and of a pid that cannot be running with that start.
  std::string stat = dxt::testing::ReadFile("/proc/self/stat");
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  for (int i = 3; i <= 22; ++i) rest >> field;
  fs::path live = w.tmp() / ("dxt-tmp-" + std::to_string(getpid()) + "." + field + "-live00");
  fs::path dead = w.tmp() / ("dxt-tmp-" + std::to_string(getpid()) + ".1-dead00");
  fs::path other = w.tmp() / "dxt-tmp-not-a-tag";
  for (const auto& d : {live, dead, other}) fs::create_directories(d / "inner");
  EXPECT_EQ(w.Run({"check", "--mode", "map", "--cases", "1.1.1",
                   w.Program("good_echo")}),
            0);
  EXPECT_TRUE(fs::exists(live));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(other));
}

}  // namespace
