/* dxt-launch: the first process of every case. It starts the program under test, reports how it
 * really ended, and when told to (or when dxt goes away) kills everything the program left behind.
 *
 *   dxt-launch CONTROL_FD EXECUTABLE ARGV0 [ARGS...]
 *   dxt-launch --probe          (exits 0: used to see whether the sandbox can be set up)
 *
 * Why it exists: bubblewrap reports a child killed by SIGSEGV as exit code 139, the same as
 * exit(139), also in --json-status-fd; crash (R8.1) vs exit must stay exact. Under bwrap it runs
 * as PID 1 of the case's PID namespace (--as-pid-1): every orphan is reparented to it and, when it
 * exits, the kernel kills whatever is left in the namespace. Without namespaces it makes itself a
 * child subreaper (PR_SET_CHILD_SUBREAPER), so a double-forked daemon or a setsid()/setpgid()
 * child is still its descendant and can be found and killed.
 *
 * The program gets stdin, stdout and stderr as the launcher got them and no other descriptor
 * (R1.4): the control socket is close-on-exec, and every descriptor above it is closed at start.
 * The launcher then gives up its own copies of the three pipes, so end-of-file means what it
 * means without it.
 *
 * Control socket (a SOCK_STREAM socketpair; dxt holds the other end). Launcher -> dxt, records of
 * 8 bytes (native byte order, same machine): u32 tag, i32 value.
 *   'R' pid       the program was exec'd (value: its pid as the launcher sees it)
 *   'F' errno     the program could not be exec'd; the launcher then exits 127
 *   'E' status    the program ended; value is its wait(2) status (WIFSIGNALED/WTERMSIG exact)
 *   'S' count     everything is gone; count = processes other than the program that were still
 *                 running and were killed (descendants that outlived it). Then the launcher exits.
 * dxt -> launcher: any byte ('K') or end-of-file (dxt exited or was killed): kill the program and
 * every descendant now, report 'E' (if not yet) and 'S', exit. Without a 'K' the launcher reports
 * 'S' 0 and exits once the program has ended and no descendant remains.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { kControlFd = 3, kMaxTracked = 4096 };

static pid_t program = -1;
static int program_ended = 0;

static void Send(uint32_t tag, int32_t value) {
  unsigned char rec[8];
  memcpy(rec, &tag, 4);
  memcpy(rec + 4, &value, 4);
  size_t off = 0;
  while (off < sizeof rec) {
    /* MSG_NOSIGNAL: a dxt that died must not kill us with SIGPIPE before the sweep. */
    ssize_t w = send(kControlFd, rec + off, sizeof rec - off, MSG_NOSIGNAL);
    if (w > 0) {
      off += (size_t)w;
    } else if (w < 0 && errno == EINTR) {
      continue;
    } else {
      return; /* dxt is gone; nothing to tell */
    }
  }
}

static void CloseFrom(int lowest) {
#ifdef SYS_close_range
  if (syscall(SYS_close_range, (unsigned)lowest, ~0U, 0) == 0) return;
#endif
  DIR* d = opendir("/proc/self/fd");
  if (d == NULL) {
    for (int fd = lowest; fd < 65536; ++fd) close(fd);
    return;
  }
  int dfd = dirfd(d);
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    int fd = atoi(e->d_name);
    if (fd >= lowest && fd != dfd) close(fd);
  }
  closedir(d);
}

/* 'Z' (zombie) or 'X' (dead) in /proc/PID/stat: ended, only not yet reaped. */
static int IsGone(pid_t pid) {
  char path[64], buf[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 1;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 1;
  buf[n] = '\0';
  char* paren = strrchr(buf, ')');
  if (paren == NULL || paren[1] == '\0' || paren[2] == '\0') return 1;
  return paren[2] == 'Z' || paren[2] == 'X';
}

/* Appends the children of `pid` (all its threads') to list; returns the new length. */
static int AddChildren(pid_t pid, pid_t* list, int n) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR* d = opendir(path);
  if (d == NULL) return n;
  struct dirent* e;
  while ((e = readdir(d)) != NULL && n < kMaxTracked) {
    if (e->d_name[0] == '.') continue;
    char cpath[512];
    snprintf(cpath, sizeof cpath, "/proc/%d/task/%s/children", (int)pid, e->d_name);
    FILE* f = fopen(cpath, "re");
    if (f == NULL) continue;
    int child;
    while (n < kMaxTracked && fscanf(f, "%d", &child) == 1) list[n++] = child;
    fclose(f);
  }
  closedir(d);
  return n;
}

static int Contains(const pid_t* list, int n, pid_t pid) {
  for (int i = 0; i < n; ++i)
    if (list[i] == pid) return 1;
  return 0;
}

static void RecordProgramEnd(int status) {
  if (program_ended) return;
  program_ended = 1;
  Send('E', status);
}

/* Reaps every ended child; returns 1 when no child at all is left. */
static int ReapAll(void) {
  for (;;) {
    int status = 0;
    pid_t r = waitpid(-1, &status, WNOHANG);
    if (r > 0) {
      if (r == program) RecordProgramEnd(status);
      continue;
    }
    if (r < 0 && errno == EINTR) continue;
    return r < 0 && errno == ECHILD;
  }
}

/* Kills the program and every descendant until none is left; returns how many processes other
 * than the program were found alive. Descendants of a killed process are reparented to us (PID 1
 * or subreaper), so the walk is repeated until wait(2) says there is no child. */
static int SweepAll(void) {
  static pid_t seen[kMaxTracked];
  int n_seen = 0, strays = 0;
  const int pid1 = getpid() == 1;
  struct timespec pause = {0, 1000000};
  for (int round = 0;; ++round) {
    pid_t found[kMaxTracked];
    int n = AddChildren(getpid(), found, 0);
    for (int i = 0; i < n && n < kMaxTracked; ++i) n = AddChildren(found[i], found, n);
    for (int i = 0; i < n; ++i) {
      if (found[i] != program && !IsGone(found[i]) && !Contains(seen, n_seen, found[i])) {
        ++strays;
        if (n_seen < kMaxTracked) seen[n_seen++] = found[i];
      }
      kill(found[i], SIGKILL);
    }
    if (program > 0) kill(-program, SIGKILL); /* its group, whoever is still in it */
    if (pid1) kill(-1, SIGKILL);              /* everyone in the namespace but us */
    if (ReapAll()) return strays;
    if (round > 0) nanosleep(&pause, NULL);
  }
}

/* The program's stdin, stdout and stderr arrive over the control socket (bwrap's own process then
 * never holds a copy) and become ours: 0, 1, 2. */
static int ReceiveStdio(void) {
  char byte;
  struct iovec iov = {&byte, 1};
  union {
    struct cmsghdr align;
    char space[CMSG_SPACE(3 * sizeof(int))];
  } u;
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = u.space;
  msg.msg_controllen = sizeof u.space;
  ssize_t r;
  while ((r = recvmsg(kControlFd, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
  }
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  if (r != 1 || c == NULL || c->cmsg_type != SCM_RIGHTS ||
      c->cmsg_len != CMSG_LEN(3 * sizeof(int))) {
    errno = EPROTO;
    return -1;
  }
  int fds[3];
  memcpy(fds, CMSG_DATA(c), sizeof fds);
  for (int i = 0; i < 3; ++i) {
    if (dup2(fds[i], i) < 0) return -1;
  }
  for (int i = 0; i < 3; ++i) close(fds[i]);
  return 0;
}

static void Finish(void) {
  int strays = SweepAll();
  if (!program_ended) RecordProgramEnd(SIGKILL); /* not reached: the sweep reaps it */
  Send('S', strays);
  _exit(0);
}

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "--probe") == 0) return 0;
  if (argc < 4) {
    fprintf(stderr, "usage: dxt-launch CONTROL_FD EXECUTABLE ARGV0 [ARGS...]\n");
    return 127;
  }
  int control = atoi(argv[1]);
  if (control != kControlFd) {
    if (dup2(control, kControlFd) < 0) return 127;
    close(control);
  }
  CloseFrom(kControlFd + 1);
  fcntl(kControlFd, F_SETFD, FD_CLOEXEC);
  if (getpid() != 1) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

  sigset_t chld, none;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &chld, NULL);
  int sig_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
  int exec_err[2];
  if (sig_fd < 0 || ReceiveStdio() != 0 || pipe2(exec_err, O_CLOEXEC) != 0) {
    Send('F', errno);
    return 127;
  }

  const pid_t self = getpid();
  program = fork();
  if (program < 0) {
    Send('F', errno);
    return 127;
  }
  if (program == 0) {
    /* If the launcher is killed from outside (kill -9, the OOM killer), the program dies with it
     * instead of living on unsupervised; what it started is then reparented to dxt, a child
     * subreaper, which kills it (process_boost.cc, SweepOrphans). */
    prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (getppid() != self) _exit(127); /* the launcher died before the prctl */
    setpgid(0, 0); /* its own group: dxt's process-group sandbox, and a target for the sweep */
    signal(SIGPIPE, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execv(argv[2], argv + 3);
    int e = errno;
    (void)!write(exec_err[1], &e, sizeof e);
    _exit(127);
  }
  setpgid(program, program);
  close(exec_err[1]);
  int e = 0;
  ssize_t got;
  while ((got = read(exec_err[0], &e, sizeof e)) < 0 && errno == EINTR) {
  }
  close(exec_err[0]);
  if (got == (ssize_t)sizeof e) {
    while (waitpid(program, NULL, 0) < 0 && errno == EINTR) {
    }
    Send('F', e);
    return 127;
  }
  Send('R', program);

  /* The pipes are the program's now: without our copies, end-of-file is the program's doing. */
  int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd <= 2; ++fd) {
    if (null_fd >= 0) {
      dup2(null_fd, fd);
    } else {
      close(fd);
    }
  }
  if (null_fd > 2) close(null_fd);

  for (;;) {
    struct pollfd fds[2] = {{kControlFd, POLLIN, 0}, {sig_fd, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      Finish();
    }
    if (fds[0].revents) Finish(); /* 'K', end-of-file or an error: dxt wants it over */
    if (fds[1].revents) {
      struct signalfd_siginfo info;
      while (read(sig_fd, &info, sizeof info) > 0) {
      }
      if (ReapAll() && program_ended) {
        Send('S', 0);
        return 0;
      }
    }
  }
}
