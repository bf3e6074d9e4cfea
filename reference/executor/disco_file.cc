#include "reference/executor/disco_file.h"

#include <fstream>

#include "absl/strings/str_cat.h"

namespace dxt::executor {
namespace {
constexpr size_t kReadChunk = 1 << 20;
}  // namespace

absl::StatusOr<std::unique_ptr<DiscoFileReader>> DiscoFileReader::Open(
    const std::string& path, codec::DiscoLimits limits, std::optional<FramedFileDigest> expect) {
  absl::StatusOr<std::unique_ptr<ByteReader>> in = ByteReader::Open(path);
  if (!in.ok()) return in.status();
  std::unique_ptr<DiscoFileReader> r(new DiscoFileReader(path, limits));
  r->in_ = std::move(*in);
  if (expect) {
    absl::StatusOr<std::unique_ptr<IndexVerifier>> v = IndexVerifier::Start(path, std::move(*expect));
    if (!v.ok()) return v.status();
    r->verifier_ = std::move(*v);
  }
  return r;
}

std::unique_ptr<DiscoFileReader> DiscoFileReader::FromBytes(std::string name, std::string_view bytes,
                                                            codec::DiscoLimits limits) {
  std::unique_ptr<DiscoFileReader> r(new DiscoFileReader(std::move(name), limits));
  r->decoder_.Feed(bytes);
  r->eof_ = true;
  return r;
}

DiscoFileReader::~DiscoFileReader() = default;

absl::StatusOr<bool> DiscoFileReader::Next(std::string* key, std::string* value) {
  absl::StatusOr<bool> more = Decode(key, value);
  if (!verifier_) return more;
  if (!more.ok()) return verifier_->Explain(more.status());
  if (*more) return true;
  absl::Status verified = verifier_->Finish(decoder_.records(), bytes_read_);
  verifier_.reset();  // verified once
  if (!verified.ok()) return verified;
  return false;
}

absl::StatusOr<bool> DiscoFileReader::Decode(std::string* key, std::string* value) {
  while (true) {
    codec::Decoded<codec::PairView> d = decoder_.Next();
    if (d.ok()) {
      key->assign(d.value.key);
      value->assign(d.value.value);
      return true;
    }
    if (d.invalid()) return absl::DataLossError(absl::StrCat(name_, ": ", d.reason));
    if (eof_) {
      absl::Status end = decoder_.Finish();
      if (!end.ok()) return absl::DataLossError(absl::StrCat(name_, ": ", end.message()));
      return false;
    }
    // Bytes are fed only when the decoder needs them: memory stays about one hunk.
    chunk_.clear();
    absl::StatusOr<size_t> n = in_->Append(&chunk_, kReadChunk);
    if (!n.ok()) return n.status();
    if (*n == 0) eof_ = true;
    bytes_read_ += *n;
    if (verifier_) verifier_->Update(chunk_);
    decoder_.Feed(chunk_);
  }
}

bool StartsWithDiscoHunk(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char c = 0;
  return in.get(c) && static_cast<unsigned char>(c) == codec::kDiscoHunkMarker;
}

}  // namespace dxt::executor
