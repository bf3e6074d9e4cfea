// Hostile subject (both modes): a conforming echo that first tries a TCP connection to
// 127.0.0.1:<argv[2]> and says how it went in a **<MSG> line ("connected" or "connect failed:
// ..."). Under namespaces the program has a loopback of its own, so a listener on the host's
// loopback never sees it; under process-group isolation it does. Its verdict is OK either way.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  int port = argc > 2 ? std::atoi(argv[2]) : 9;
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string line = "**<MSG> connected\n";
  if (s < 0 || connect(s, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    line = std::string("**<MSG> connect failed: ") + std::strerror(errno) + "\n";
  else
    subject::WriteAll(s, "hello from a sandboxed program\n");
  if (s >= 0) close(s);
  subject::WriteAll(2, line);
  return subject::Echo();
}
