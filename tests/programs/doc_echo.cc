// Good for `dxt run`, broken for `dxt check` (R7.3): the echo example of Disco's documentation
// ("Disco C library": read the parameters, echo every pair as a one-pair list, report progress on
// stderr), as people actually write it: the progress line is a plain fprintf without the
// "**<MSG>" prefix. Disco's worker forwards that line and the task goes on; `dxt run` warns,
// `dxt run --strict` and `dxt check` fail.
#include <cstdio>
#include <string>

#include "tests/programs/subject_io.h"

int main(int argc, char** argv) {
  subject::ParseMode(argc, argv);
  std::string params;
  if (!subject::ReadParams(&params)) return 1;
  std::string key, value;
  int i = 0;
  while (subject::ReadPair(&key, &value) == subject::ReadResult::kPair) {
    if (!(i++ % 10000)) {
      const std::string shown = value.substr(0, value.find('\n'));  // a line input keeps its "\n"
      subject::Log("Got key <" + key + "> val <" + shown + ">\n");
    }
    if (!subject::WriteAll(1, subject::OnePairList(key, value))) return 1;
  }
  subject::Log("**<MSG> " + std::to_string(i) + " key-value pairs read ok\n");
  return 0;
}
