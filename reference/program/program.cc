#include "reference/program/program.h"

#include <signal.h>

#include <cstdint>
#include <cstdlib>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "codec/result_list.h"

namespace dxt::program {
namespace {

constexpr int kStdin = 0;
constexpr int kStdout = 1;
constexpr int kStderr = 2;

// This absl build has its own absl::string_view (not std::string_view): convert at the seam.
absl::string_view ToAbsl(std::string_view s) { return absl::string_view(s.data(), s.size()); }
std::string_view ToStd(absl::string_view s) { return std::string_view(s.data(), s.size()); }

// Lists up to this size are copied behind their count and written with a single write(2).
constexpr size_t kCoalesceBytes = 64 * 1024;

void WriteLogLine(std::string_view prefix, std::string_view text) {
  std::string line = absl::StrCat(ToAbsl(prefix), " ", OneLine(text), "\n");
  WriteAll(kStderr, line).IgnoreError();  // nowhere left to report a broken stderr
}

// Bytes still missing from a parameter block whose header may be complete in `have`.
// Before the "\n" arrives the header is read one byte at a time, so no body byte is over-read.
size_t MissingParamBytes(std::string_view have) {
  const size_t nl = have.find('\n');
  uint64_t body = 0;
  if (nl == std::string_view::npos || !absl::SimpleAtoi(ToAbsl(have.substr(0, nl)), &body))
    return 1;
  const uint64_t total = nl + 1 + body;
  return total > have.size() ? static_cast<size_t>(total - have.size()) : 1;
}

}  // namespace

std::string OneLine(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += c;
    }
  }
  return out;
}

void Msg(std::string_view text) { WriteLogLine(codec::kMsgPrefix, text); }

void Die(std::string_view text) {
  WriteLogLine(codec::kErrPrefix, text);
  std::exit(1);
}

const std::string* Params::Find(std::string_view key) const {
  for (const auto& [k, v] : dict) {
    if (k == key) return &v;
  }
  return nullptr;
}

absl::StatusOr<Params> ReadParams(InputBuffer& in, const codec::Limits& limits) {
  while (true) {
    const std::string_view have = in.available();
    const codec::Decoded<std::string_view> block = codec::DecodeParamBlock(have, limits);
    if (block.ok()) {
      Params params;
      params.raw = std::string(block.value);
      const auto dict = codec::ParseParamDict(block.value);
      if (block.value.empty() || dict.ok()) {
        for (const codec::PairView& entry : dict.value) {
          params.dict.emplace_back(entry.key, entry.value);
        }
      } else {
        params.is_dict = false;  // R2.4: a raw string, provided as is
      }
      in.Consume(block.consumed);
      return params;
    }
    if (block.invalid()) {
      return absl::InvalidArgumentError(absl::StrCat("parameter block: offset ",
                                                     in.offset() + block.error_offset, ": ",
                                                     block.reason, " (R2.1)"));
    }
    const absl::StatusOr<size_t> got = in.Fill(MissingParamBytes(have));
    if (!got.ok()) return got.status();
    if (*got == 0) {
      return absl::DataLossError(absl::StrCat("offset ", in.offset() + have.size(),
                                              ": stdin ended inside the parameter block (R2.1)"));
    }
  }
}

PairReader::PairReader(InputBuffer* in, codec::Limits limits) : in_(in), limits_(limits) {}

absl::StatusOr<bool> PairReader::Read(codec::PairView* pair) {
  while (true) {
    const std::string_view have = in_->available();
    const codec::Decoded<codec::PairView> decoded = codec::DecodePair(have, limits_);
    if (decoded.ok()) {
      *pair = decoded.value;
      // Consume() never moves memory, so the views stay valid until the next Fill().
      in_->Consume(decoded.consumed);
      ++pairs_read_;
      return true;
    }
    if (decoded.invalid()) {
      return absl::InvalidArgumentError(
          absl::StrCat("offset ", in_->offset() + decoded.error_offset, ": pair ", pairs_read_,
                       ": ", decoded.reason, " (R3.2)"));
    }
    const absl::StatusOr<size_t> got = in_->Fill();
    if (!got.ok()) return got.status();
    if (*got == 0) {
      if (have.empty()) return false;
      return absl::DataLossError(absl::StrCat("offset ", in_->offset(),
                                              ": stdin ended inside pair ", pairs_read_, " (",
                                              have.size(), " bytes of it received) (R3.3)"));
    }
  }
}

bool PairReader::Next(codec::PairView* pair) {
  const absl::StatusOr<bool> got = Read(pair);
  if (!got.ok()) Die(ToStd(got.status().message()));
  return *got;
}

void ResultList::Add(std::string_view key, std::string_view value) {
  if (count_ == UINT32_MAX) Die("result list: more than 4294967295 pairs cannot be framed (R4.1)");
  const absl::Status appended = codec::AppendPair(&frames_, key, value);
  if (!appended.ok()) Die(absl::StrCat("result list: ", appended.message()));
  ++count_;
}

void ResultList::Clear() {
  count_ = 0;
  frames_.clear();
}

absl::Status ListWriter::WriteList(ResultList& list) {
  scratch_.clear();
  codec::AppendListHeader(&scratch_, list.size());
  absl::Status written;
  if (list.byte_size() <= kCoalesceBytes) {
    scratch_.append(list.frames());
    written = WriteAll(fd_, scratch_);
  } else {
    written = WriteAll(fd_, scratch_);
    if (written.ok()) written = WriteAll(fd_, list.frames());
  }
  list.Clear();
  if (!written.ok()) {
    return absl::Status(written.code(), absl::StrCat("writing result list ", lists_written_, ": ",
                                                     written.message()));
  }
  ++lists_written_;
  return absl::OkStatus();
}

void ListWriter::Emit(ResultList& list) {
  const absl::Status written = WriteList(list);
  if (!written.ok()) Die(ToStd(written.message()));
}

void ReduceOutput::Add(std::string_view key, std::string_view value) {
  pending_.Add(key, value);
  if (pending_.byte_size() >= batch_bytes_) writer_->Emit(pending_);
}

void ReduceOutput::Flush() {
  if (!pending_.empty()) writer_->Emit(pending_);
}

void ReduceOutput::Emit(ResultList& list) {
  Flush();
  writer_->Emit(list);
}

int RunMain(int argc, char** argv, const Program& program) {
  signal(SIGPIPE, SIG_IGN);
  const std::string_view name = argc > 0 && argv[0] != nullptr ? argv[0] : "program";
  const std::string_view mode_arg = argc == 2 ? argv[1] : "";
  if (mode_arg != "map" && mode_arg != "reduce") {
    Die(absl::StrCat("usage: ", ToAbsl(name), " map|reduce (R1.1: exactly one argument)"));
  }
  const Mode mode = mode_arg == "map" ? Mode::kMap : Mode::kReduce;
  if (mode == Mode::kMap && !program.map) Die(absl::StrCat(ToAbsl(name), " has no map mode"));
  if (mode == Mode::kReduce && !program.reduce)
    Die(absl::StrCat(ToAbsl(name), " has no reduce mode"));

  InputBuffer in(kStdin);
  const absl::StatusOr<Params> params = ReadParams(in);
  if (!params.ok()) Die(ToStd(params.status().message()));
  if (program.init) {
    const absl::Status init = program.init(mode, *params);
    if (!init.ok()) Die(ToStd(init.message()));
  }

  PairReader reader(&in);
  ListWriter writer(kStdout);
  codec::PairView pair;
  if (mode == Mode::kMap) {
    ResultList list;
    while (reader.Next(&pair)) {
      const absl::Status mapped = program.map(*params, pair.key, pair.value, list);
      if (!mapped.ok())
        Die(absl::StrCat("map, pair ", reader.pairs_read() - 1, ": ", mapped.message()));
      writer.Emit(list);  // R5.2: exactly one list per pair, flushed before the next read
    }
    return 0;
  }
  ReduceOutput out(&writer);
  const absl::Status reduced = program.reduce(*params, reader, out);
  if (!reduced.ok()) Die(absl::StrCat("reduce: ", reduced.message()));
  out.Flush();
  while (reader.Next(&pair)) {
  }  // R6.1: consume all input even if the reduce function stopped early
  return 0;
}

int RunMain(int argc, char** argv, MapFn map_fn, ReduceFn reduce_fn) {
  return RunMain(argc, argv, Program{nullptr, std::move(map_fn), std::move(reduce_fn)});
}

}  // namespace dxt::program
