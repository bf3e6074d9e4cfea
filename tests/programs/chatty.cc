// Chatty subject: a conforming echo that also writes a **<MSG> line for every pair. Everything is
// well-formed, but thousands of messages a second is what the original master took for a
// misbehaving worker: the log check warns (NON-STRICT, R7.4) and never fails the case.
#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params, key, value;
  if (!subject::ReadParams(&params)) return 1;
  for (;;) {
    subject::ReadResult r = subject::ReadPair(&key, &value);
    if (r == subject::ReadResult::kEnd) return 0;
    if (r == subject::ReadResult::kTruncated) return 1;
    subject::Log("**<MSG> got another pair\n");
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
}
