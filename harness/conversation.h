// The conversation engine behind RunRecorded: drives one already-started program through
// the map (R5) or reduce (R6) conversation over the ProcessIo seam and records a Transcript.
// Separate from driver.cc so tests can run it against a fake ProcessIo with a virtual clock.
#ifndef DXT_HARNESS_CONVERSATION_H_
#define DXT_HARNESS_CONVERSATION_H_

#include <string_view>

#include "absl/status/status.h"
#include "harness/driver.h"
#include "harness/process.h"
#include "harness/transcript.h"

namespace dxt::harness {

// Runs the whole conversation and ends it: on return the program has exited or been killed with
// its group, and `t` (fresh on entry) describes everything that happened.
// Returns OK when the conversation ran (program misbehaviour is only recorded), otherwise:
//  - the first non-OK status of `on_list` or `input` (the program is killed);
//  - Internal for a failure of the seam itself.
absl::Status Converse(ProcessIo& io, Mode mode, std::string_view param_block,
                      const PairSource& input, const ListSink& on_list, const LogSink& on_log,
                      const DriverOptions& options, Transcript* t);

}  // namespace dxt::harness

#endif  // DXT_HARNESS_CONVERSATION_H_
