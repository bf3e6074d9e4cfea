#include "reference/executor/input.h"


#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "codec/kv_frame.h"
#include "reference/executor/absl_compat.h"
#include "reference/executor/partition.h"

namespace dxt::executor {

absl::StatusOr<std::unique_ptr<EntryReader>> EntryReader::Open(const JobInput& input, Reader reader) {
  std::unique_ptr<EntryReader> r(new EntryReader());
  const bool disco = input.kind == JobInput::Kind::kJobOutput ? input.disco : reader == Reader::kDisco;
  if (disco && input.kind == JobInput::Kind::kRaw) {
    r->disco_ = DiscoFileReader::FromBytes(absl::CHexEscape(Av(input.spec.substr(0, 64))), input.data);
    return r;
  }
  if (disco) {
    absl::StatusOr<std::unique_ptr<DiscoFileReader>> d =
        DiscoFileReader::Open(input.path, codec::DiscoLimits{}, input.digest);
    if (!d.ok()) return d.status();
    r->disco_ = std::move(*d);
    return r;
  }
  r->framed_ = input.kind == JobInput::Kind::kJobOutput || reader != Reader::kLines;
  if (input.kind == JobInput::Kind::kRaw) {
    r->from_raw_ = true;
    r->raw_ = input.data;
    return r;
  }
  if (r->framed_) {
    absl::StatusOr<std::unique_ptr<FramedReader>> f =
        FramedReader::Open(input.path, 1 << 20, codec::Limits{}, input.digest);
    if (!f.ok()) return f.status();
    r->framed_file_ = std::move(*f);
    return r;
  }
  absl::StatusOr<std::unique_ptr<ByteReader>> in = ByteReader::Open(input.path);
  if (!in.ok()) return in.status();
  r->lines_file_ = std::move(*in);
  return r;
}

EntryReader::~EntryReader() = default;

absl::StatusOr<bool> EntryReader::Next(std::string* key, std::string* value) {
  if (framed_file_) return framed_file_->Next(key, value);
  if (disco_) return disco_->Next(key, value);
  key->clear();
  if (lines_file_) return lines_file_->ReadLine(value);
  const std::string_view rest = std::string_view(raw_).substr(raw_offset_);
  if (rest.empty()) return false;
  if (!framed_) {
    const size_t nl = rest.find('\n');
    const size_t len = nl == std::string_view::npos ? rest.size() : nl + 1;
    value->assign(rest.substr(0, len));
    raw_offset_ += len;
    return true;
  }
  codec::Decoded<codec::PairView> d = codec::DecodePair(rest);
  if (!d.ok()) {
    return absl::DataLossError(absl::StrCat("raw:// input: offset ", raw_offset_,
                                            d.invalid() ? ": " + d.reason : ": truncated pair (R3.3)"));
  }
  key->assign(d.value.key);
  value->assign(d.value.value);
  raw_offset_ += d.consumed;
  return true;
}

namespace {

// Up to 18 ASCII digits and nothing else (the "1" of every word a word count emits): the value
// ParseIntegerKey gives them, without its whitespace trimming and general conversion.
bool PlainDigits(std::string_view s, int64_t* out) {
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

}  // namespace

absl::Status SumAccumulator::Add(std::string_view key, std::string_view value) {
  return AddTo(key, value, nullptr);
}

absl::Status SumAccumulator::Add(std::string_view key, std::string_view value,
                                 PartitionOf partition_of) {
  return AddTo(key, value, &partition_of);
}

absl::Status SumAccumulator::AddTo(std::string_view key, std::string_view value,
                                   const PartitionOf* partition_of) {
  int64_t plain = 0;
  absl::StatusOr<int64_t> v = PlainDigits(value, &plain) ? plain : ParseIntegerKey(value);
  if (!v.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("value \"", absl::CHexEscape(Av(value.substr(0, 64))),
                                                   "\" of key \"", absl::CHexEscape(Av(key.substr(0, 64))),
                                                   "\" is not a decimal integer"));
  }
  auto it = index_.find(Av(key));
  if (it == index_.end()) {
    uint32_t p = 0;
    if (partition_of != nullptr) {
      absl::StatusOr<uint32_t> q = (*partition_of)(key);
      if (!q.ok()) return q.status();
      p = *q;
    }
    if (p >= sums_.size())
      return absl::OutOfRangeError(absl::StrCat("partition ", p, " of ", sums_.size()));
    it = index_.emplace(std::string(key), Slot{p, sums_[p].size()}).first;
    sums_[p].emplace_back(std::string(key), 0);
  }
  int64_t& sum = sums_[it->second.partition][it->second.index].second;
  if (__builtin_add_overflow(sum, *v, &sum)) {
    return absl::InvalidArgumentError(
        absl::StrCat("sum for key \"", absl::CHexEscape(Av(key.substr(0, 64))), "\" overflows 64 bits"));
  }
  return absl::OkStatus();
}

absl::Status SumAccumulator::Drain(uint32_t partition, const PairSink& sink) const {
  if (partition >= sums_.size()) return absl::OkStatus();
  for (const auto& [key, sum] : sums_[partition]) {
    absl::Status status = sink(key, absl::StrCat(sum));
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::Status SumAccumulator::Drain(const PairSink& sink) {
  absl::Status status;
  for (uint32_t p = 0; status.ok() && p < sums_.size(); ++p) status = Drain(p, sink);
  Clear();
  return status;
}

void SumAccumulator::Clear() {
  index_.clear();
  for (auto& part : sums_) part.clear();
}

}  // namespace dxt::executor
