#include "reference/executor/framed_file.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "codec/kv_frame.h"

namespace dxt::executor {
namespace {

constexpr size_t kWriteChunk = 1 << 20;
// Strings are read in slices of this size so a bogus claimed length costs nothing (R3.2).
constexpr size_t kReadSlice = 1 << 20;

std::string Hex(const unsigned char* p, unsigned n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) {
    out.push_back(kDigits[p[i] >> 4]);
    out.push_back(kDigits[p[i] & 15]);
  }
  return out;
}

}  // namespace

absl::StatusOr<std::unique_ptr<FramedWriter>> FramedWriter::Create(const std::string& path,
                                                                   bool sha256) {
  std::unique_ptr<FramedWriter> w(new FramedWriter());
  w->path_ = path;
  w->file_ = std::fopen(path.c_str(), "wb");
  if (w->file_ == nullptr) {
    return absl::InternalError(absl::StrCat("cannot create ", path, ": ", std::strerror(errno)));
  }
  if (sha256) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    w->md_ctx_ = ctx;
  }
  w->buffer_.reserve(kWriteChunk + 64);
  return w;
}

FramedWriter::~FramedWriter() {
  if (file_ != nullptr) std::fclose(file_);
  if (md_ctx_ != nullptr) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(md_ctx_));
}

absl::Status FramedWriter::Add(std::string_view key, std::string_view value) {
  if (file_ == nullptr) return absl::FailedPreconditionError(path_ + ": writer is closed");
  if (absl::Status s = codec::AppendPair(&buffer_, key, value); !s.ok()) return s;
  ++pairs_;
  bytes_ += codec::PairFrameSize(key, value);
  if (buffer_.size() >= kWriteChunk) return FlushBuffer();
  return absl::OkStatus();
}

absl::Status FramedWriter::FlushBuffer() {
  if (buffer_.empty()) return absl::OkStatus();
  if (md_ctx_ != nullptr) {
    EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(md_ctx_), buffer_.data(), buffer_.size());
  }
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size()) {
    return absl::InternalError(absl::StrCat("write to ", path_, ": ", std::strerror(errno)));
  }
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status FramedWriter::Close() {
  if (file_ == nullptr) return absl::FailedPreconditionError(path_ + ": writer is closed");
  absl::Status s = FlushBuffer();
  if (std::fclose(file_) != 0 && s.ok()) {
    s = absl::InternalError(absl::StrCat("close ", path_, ": ", std::strerror(errno)));
  }
  file_ = nullptr;
  if (md_ctx_ != nullptr) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(md_ctx_), digest, &len);
    sha256_hex_ = Hex(digest, len);
  }
  return s;
}

absl::StatusOr<std::unique_ptr<FramedReader>> FramedReader::Open(const std::string& path,
                                                                 size_t buffer_size,
                                                                 codec::Limits limits) {
  std::unique_ptr<FramedReader> r(new FramedReader());
  r->path_ = path;
  r->limits_ = limits;
  r->file_ = std::fopen(path.c_str(), "rb");
  if (r->file_ == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  r->stdio_buffer_ = std::make_unique<char[]>(buffer_size);
  std::setvbuf(r->file_, r->stdio_buffer_.get(), _IOFBF, buffer_size);
  return r;
}

FramedReader::~FramedReader() {
  if (file_ != nullptr) std::fclose(file_);
}

absl::StatusOr<bool> FramedReader::ReadString(std::string* out, const char* what,
                                              bool at_pair_start) {
  const uint64_t start = offset_;
  char prefix[codec::kLengthPrefixSize];
  size_t got = std::fread(prefix, 1, sizeof prefix, file_);
  offset_ += got;
  if (got == 0 && at_pair_start && std::feof(file_)) return false;
  if (got < sizeof prefix) {
    return absl::DataLossError(absl::StrCat(path_, ": offset ", start, ": file ends inside pair ",
                                            pairs_, " (", what, " length) (R3.3)"));
  }
  const uint64_t len = codec::LoadU32(prefix);
  if (len > limits_.max_item_size) {
    return absl::OutOfRangeError(absl::StrCat(path_, ": offset ", start, ": pair ", pairs_, ": ",
                                              what, " length ", len, " exceeds limit ",
                                              limits_.max_item_size, " (R3.2)"));
  }
  out->clear();
  while (out->size() < len) {
    const size_t have = out->size();
    const size_t want = std::min<uint64_t>(kReadSlice, len - have);
    out->resize(have + want);
    const size_t n = std::fread(out->data() + have, 1, want, file_);
    offset_ += n;
    if (n < want) {
      return absl::DataLossError(absl::StrCat(path_, ": offset ", start, ": file ends inside pair ",
                                              pairs_, " (", what, ": have ", have + n, " of ", len,
                                              " bytes) (R3.3)"));
    }
  }
  return true;
}

absl::StatusOr<bool> FramedReader::Next(std::string* key, std::string* value) {
  absl::StatusOr<bool> k = ReadString(key, "key", /*at_pair_start=*/true);
  if (!k.ok() || !*k) return k;
  absl::StatusOr<bool> v = ReadString(value, "value", /*at_pair_start=*/false);
  if (!v.ok()) return v.status();
  ++pairs_;
  return true;
}

}  // namespace dxt::executor
