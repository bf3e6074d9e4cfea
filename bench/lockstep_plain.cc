// The anchor of bench/run_lockstep.sh: the plain blocking loop a programmer would write to drive a
// map program in lockstep (SPEC R5.1), with nothing a reference driver needs (no deadlines, no
// stderr servicing, no protocol checks). Per input line: one write(2) of the pair frame, then
// read(2) into a 64 KiB buffer until one whole result list is there -- two system calls per entry
// when the list arrives in one piece. Output pairs are written as pair frames, the same bytes as a
// `dxt run` map-only output file, so the script can compare them.
//
// Usage: dxt_lockstep_plain PROGRAM INPUT_LINES OUTPUT_FRAMES
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void Die(const char* what) {
  std::perror(what);
  std::exit(2);
}

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) Die("write");
    p += w;
    n -= static_cast<size_t>(w);
  }
}

uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | (u[1] << 8) | (u[2] << 16) | (static_cast<uint32_t>(u[3]) << 24);
}

void StoreU32(std::string* s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Length of the whole result list at the front of `buf`, or 0 while it is incomplete.
size_t ListSize(const std::string& buf) {
  if (buf.size() < 4) return 0;
  uint32_t count = LoadU32(buf.data());
  size_t at = 4;
  for (uint32_t i = 0; i < 2 * count; ++i) {
    if (buf.size() < at + 4) return 0;
    at += 4 + LoadU32(buf.data() + at);
  }
  return buf.size() >= at ? at : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s PROGRAM INPUT_LINES OUTPUT_FRAMES\n", argv[0]);
    return 2;
  }
  std::signal(SIGPIPE, SIG_IGN);
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) Die("pipe");
  pid_t pid = ::fork();
  if (pid < 0) Die("fork");
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    ::close(in[0]), ::close(in[1]), ::close(out[0]), ::close(out[1]);
    std::signal(SIGPIPE, SIG_DFL);
    ::execl(argv[1], argv[1], "map", static_cast<char*>(nullptr));
    _exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  FILE* input = std::fopen(argv[2], "rb");
  FILE* output = std::fopen(argv[3], "wb");
  if (input == nullptr || output == nullptr) Die("fopen");

  WriteAll(in[1], "0\n", 2);  // no parameters (R2.2)
  std::string frame, reply, results;
  char* line = nullptr;
  size_t cap = 0;
  ssize_t len;
  char chunk[64 * 1024];
  while ((len = ::getline(&line, &cap, input)) > 0) {
    frame.clear();
    StoreU32(&frame, 0);  // a plain line has an empty key (R5.5)
    StoreU32(&frame, static_cast<uint32_t>(len));
    frame.append(line, static_cast<size_t>(len));
    WriteAll(in[1], frame.data(), frame.size());
    size_t list;
    while ((list = ListSize(reply)) == 0) {
      ssize_t r = ::read(out[0], chunk, sizeof chunk);
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) Die("read (program ended mid-conversation)");
      reply.append(chunk, static_cast<size_t>(r));
    }
    results.append(reply, 4, list - 4);  // the pairs, without the count
    reply.erase(0, list);
    if (results.size() >= (1 << 20)) {
      std::fwrite(results.data(), 1, results.size(), output);
      results.clear();
    }
  }
  std::fwrite(results.data(), 1, results.size(), output);
  ::close(in[1]);
  while (::read(out[0], chunk, sizeof chunk) > 0) {
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (std::fclose(output) != 0) Die("fclose");
  std::free(line);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}
