#include "reference/executor/framed_file.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

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

absl::Status Errno(const char* what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " ", path, ": ", std::strerror(errno)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<ByteReader>> ByteReader::Open(const std::string& path,
                                                             size_t buffer_size) {
  std::unique_ptr<ByteReader> r(new ByteReader());
  r->path_ = path;
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) {
    return absl::NotFoundError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  r->capacity_ = std::max<size_t>(buffer_size, 4096);
  r->buffer_ = std::make_unique<char[]>(r->capacity_);
  return r;
}

std::unique_ptr<ByteReader> ByteReader::Adopt(int fd, std::string name, size_t buffer_size) {
  std::unique_ptr<ByteReader> r(new ByteReader());
  r->path_ = std::move(name);
  r->fd_ = fd;
  r->capacity_ = std::max<size_t>(buffer_size, 4096);
  r->buffer_ = std::make_unique<char[]>(r->capacity_);
  return r;
}

ByteReader::~ByteReader() {
  if (fd_ >= 0) ::close(fd_);
}

absl::Status ByteReader::Fill() {
  if (begin_ < end_ || eof_) return absl::OkStatus();
  begin_ = end_ = 0;
  while (true) {
    const ssize_t n = ::read(fd_, buffer_.get(), capacity_);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", path_);
    if (n == 0) eof_ = true;
    end_ = static_cast<size_t>(n);
    return absl::OkStatus();
  }
}

absl::StatusOr<size_t> ByteReader::Append(std::string* out, size_t n) {
  size_t got = 0;
  while (got < n) {
    if (absl::Status s = Fill(); !s.ok()) return s;
    if (begin_ == end_) break;
    const size_t take = std::min(n - got, end_ - begin_);
    out->append(buffer_.get() + begin_, take);
    begin_ += take;
    got += take;
  }
  return got;
}

absl::StatusOr<size_t> ByteReader::AppendAvailable(std::string* out, size_t n) {
  if (absl::Status s = Fill(); !s.ok()) return s;
  const size_t take = std::min(n, end_ - begin_);
  out->append(buffer_.get() + begin_, take);
  begin_ += take;
  return take;
}

absl::StatusOr<bool> ByteReader::ReadLine(std::string* line) {
  line->clear();
  while (true) {
    if (absl::Status s = Fill(); !s.ok()) return s;
    if (begin_ == end_) return !line->empty();
    const char* start = buffer_.get() + begin_;
    const void* nl = std::memchr(start, '\n', end_ - begin_);
    const size_t take = nl ? static_cast<const char*>(nl) - start + 1 : end_ - begin_;
    line->append(start, take);
    begin_ += take;
    if (nl) return true;
  }
}

absl::StatusOr<std::unique_ptr<FramedWriter>> FramedWriter::Create(const std::string& path,
                                                                   bool sha256, bool disco) {
  std::unique_ptr<FramedWriter> w(new FramedWriter());
  w->path_ = path;
  if (disco) w->disco_ = std::make_unique<codec::DiscoStreamEncoder>();
  w->fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (w->fd_ < 0) return Errno("cannot create", path);
  if (sha256) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
    w->md_ctx_ = ctx;
  }
  w->buffer_.reserve(kWriteChunk + 64);
  return w;
}

FramedWriter::~FramedWriter() {
  if (fd_ >= 0) ::close(fd_);
  if (md_ctx_ != nullptr) EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(md_ctx_));
}

absl::Status FramedWriter::Add(std::string_view key, std::string_view value) {
  if (fd_ < 0) return absl::FailedPreconditionError(path_ + ": writer is closed");
  if (disco_) {
    const size_t before = buffer_.size();
    if (absl::Status s = disco_->Add(key, value, &buffer_); !s.ok()) return s;
    ++pairs_;
    bytes_ += buffer_.size() - before;
    return buffer_.size() >= kWriteChunk ? FlushBuffer() : absl::OkStatus();
  }
  if (key.size() + value.size() >= kWriteChunk) return AddLarge(key, value);
  if (absl::Status s = codec::AppendPair(&buffer_, key, value); !s.ok()) return s;
  ++pairs_;
  bytes_ += codec::PairFrameSize(key, value);
  if (buffer_.size() >= kWriteChunk) return FlushBuffer();
  return absl::OkStatus();
}

// A pair of a MiB or more is written from the caller's views, never copied: a 1 GiB item costs
// no second GiB here.
absl::Status FramedWriter::AddLarge(std::string_view key, std::string_view value) {
  if (key.size() > UINT32_MAX || value.size() > UINT32_MAX) {
    return absl::InvalidArgumentError(absl::StrCat(path_, ": an item over 4 GiB cannot be framed"));
  }
  if (absl::Status s = FlushBuffer(); !s.ok()) return s;
  for (std::string_view item : {key, value}) {
    buffer_.clear();
    codec::AppendU32(&buffer_, static_cast<uint32_t>(item.size()));
    if (absl::Status s = WriteOut(buffer_); !s.ok()) return s;
    if (absl::Status s = WriteOut(item); !s.ok()) return s;
  }
  buffer_.clear();
  ++pairs_;
  bytes_ += codec::PairFrameSize(key, value);
  return absl::OkStatus();
}

absl::Status FramedWriter::WriteOut(std::string_view data) {
  if (md_ctx_ != nullptr) EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(md_ctx_), data.data(), data.size());
  for (size_t done = 0; done < data.size();) {
    const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("write to", path_);
    done += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FramedWriter::FlushBuffer() {
  if (buffer_.empty()) return absl::OkStatus();
  absl::Status s = WriteOut(buffer_);
  buffer_.clear();
  return s;
}

absl::Status FramedWriter::Close() {
  if (fd_ < 0) return absl::FailedPreconditionError(path_ + ": writer is closed");
  absl::Status s;
  if (disco_) {  // the pending hunk and the terminator hunk
    const size_t before = buffer_.size();
    s = disco_->Finish(&buffer_);
    bytes_ += buffer_.size() - before;
  }
  if (s.ok()) s = FlushBuffer();
  if (::close(fd_) != 0 && s.ok()) s = Errno("close", path_);
  fd_ = -1;
  if (md_ctx_ != nullptr) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(md_ctx_), digest, &len);
    sha256_hex_ = Hex(digest, len);
  }
  return s;
}

absl::StatusOr<std::unique_ptr<IndexVerifier>> IndexVerifier::Start(const std::string& path,
                                                                     FramedFileDigest expect) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Errno("cannot stat", path);
  if (static_cast<uint64_t>(st.st_size) != expect.bytes) {
    return absl::DataLossError(absl::StrCat(path, ": size ", st.st_size, " bytes, its index says ",
                                            expect.bytes, " (truncated or changed)"));
  }
  std::unique_ptr<IndexVerifier> v(new IndexVerifier());
  v->path_ = path;
  v->expect_ = std::move(expect);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  v->md_ctx_ = ctx;
  return v;
}

IndexVerifier::~IndexVerifier() { EVP_MD_CTX_free(static_cast<EVP_MD_CTX*>(md_ctx_)); }

void IndexVerifier::Update(std::string_view bytes) {
  EVP_DigestUpdate(static_cast<EVP_MD_CTX*>(md_ctx_), bytes.data(), bytes.size());
}

absl::Status IndexVerifier::Finish(uint64_t pairs, uint64_t bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestFinal_ex(static_cast<EVP_MD_CTX*>(md_ctx_), digest, &len);
  const std::string sha256 = Hex(digest, len);
  std::string why;
  if (pairs != expect_.pairs) {
    why = absl::StrCat(pairs, " pairs, its index says ", expect_.pairs);
  } else if (bytes != expect_.bytes) {
    why = absl::StrCat(bytes, " bytes, its index says ", expect_.bytes);
  } else if (sha256 != expect_.sha256) {
    why = absl::StrCat("sha256 ", sha256, ", its index says ", expect_.sha256);
  }
  if (why.empty()) return absl::OkStatus();
  return absl::DataLossError(
      absl::StrCat(path_, ": ", why, " (the file was changed after dxt run wrote it)"));
}

absl::Status IndexVerifier::Explain(const absl::Status& error) const {
  if (error.ok() || absl::IsInternal(error)) return error;  // a read error is not a changed file
  return absl::DataLossError(absl::StrCat(error.message(), "; its index says ", expect_.pairs,
                                          " pairs, ", expect_.bytes, " bytes, sha256 ",
                                          expect_.sha256,
                                          " (the file was changed after dxt run wrote it)"));
}

absl::StatusOr<std::unique_ptr<FramedReader>> FramedReader::Open(
    const std::string& path, size_t buffer_size, codec::Limits limits,
    std::optional<FramedFileDigest> expect) {
  std::unique_ptr<FramedReader> r(new FramedReader());
  r->path_ = path;
  r->limits_ = limits;
  absl::StatusOr<std::unique_ptr<ByteReader>> in = ByteReader::Open(path, buffer_size);
  if (!in.ok()) return in.status();
  r->in_ = std::move(*in);
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    r->file_size_ = static_cast<uint64_t>(st.st_size);
  }
  if (expect) {
    absl::StatusOr<std::unique_ptr<IndexVerifier>> v = IndexVerifier::Start(path, std::move(*expect));
    if (!v.ok()) return v.status();
    r->verifier_ = std::move(*v);
  }
  return r;
}

FramedReader::~FramedReader() = default;

absl::StatusOr<bool> FramedReader::ReadString(std::string* out, const char* what,
                                              bool at_pair_start) {
  const uint64_t start = offset_;
  std::string& prefix = prefix_;
  prefix.clear();
  absl::StatusOr<size_t> got = in_->Append(&prefix, codec::kLengthPrefixSize);
  if (!got.ok()) return got.status();
  offset_ += *got;
  if (verifier_) verifier_->Update(std::string_view(prefix.data(), *got));
  if (*got == 0 && at_pair_start) return false;
  if (*got < codec::kLengthPrefixSize) {
    return absl::DataLossError(absl::StrCat(path_, ": offset ", start, ": file ends inside pair ",
                                            pairs_, " (", what, " length) (R3.3)"));
  }
  const uint64_t len = codec::LoadU32(prefix.data());
  if (len > limits_.max_item_size) {
    return absl::OutOfRangeError(absl::StrCat(path_, ": offset ", start, ": pair ", pairs_, ": ",
                                              what, " length ", len, " exceeds limit ",
                                              limits_.max_item_size, " (R3.2)"));
  }
  out->clear();
  // The bytes are in the file: room for them at once, so the string never grows by copying (at
  // its last doubling a 300 MiB item would be resident twice over).
  if (file_size_ && offset_ <= *file_size_ && len <= *file_size_ - offset_) out->reserve(len);
  while (out->size() < len) {
    const size_t have = out->size();
    const size_t want = std::min<uint64_t>(kReadSlice, len - have);
    absl::StatusOr<size_t> n = in_->Append(out, want);
    if (!n.ok()) return n.status();
    offset_ += *n;
    if (verifier_) verifier_->Update(std::string_view(out->data() + have, *n));
    if (*n < want) {
      return absl::DataLossError(absl::StrCat(path_, ": offset ", start, ": file ends inside pair ",
                                              pairs_, " (", what, ": have ", out->size(), " of ",
                                              len, " bytes) (R3.3)"));
    }
  }
  return true;
}

absl::StatusOr<bool> FramedReader::Next(std::string* key, std::string* value) {
  // Fast path: the whole frame is in the read buffer and within the limits. Anything else (a
  // frame across a refill, a length over the limit, the end of the file) takes the path below,
  // which says what is wrong and where.
  const std::string_view buf = in_->Buffered();
  if (buf.size() >= 2 * codec::kLengthPrefixSize) {
    const uint64_t klen = codec::LoadU32(buf.data());
    const uint64_t value_at = codec::kLengthPrefixSize + klen + codec::kLengthPrefixSize;
    if (klen <= limits_.max_item_size && buf.size() >= value_at) {
      const uint64_t vlen = codec::LoadU32(buf.data() + value_at - codec::kLengthPrefixSize);
      if (vlen <= limits_.max_item_size && buf.size() >= value_at + vlen) {
        key->assign(buf.data() + codec::kLengthPrefixSize, klen);
        value->assign(buf.data() + value_at, vlen);
        const uint64_t size = value_at + vlen;
        if (verifier_) verifier_->Update(std::string_view(buf.data(), size));
        in_->Skip(size);
        offset_ += size;
        ++pairs_;
        return true;
      }
    }
  }
  absl::StatusOr<bool> more = ReadString(key, "key", /*at_pair_start=*/true);
  if (more.ok() && *more) {
    absl::StatusOr<bool> v = ReadString(value, "value", /*at_pair_start=*/false);
    if (v.ok()) ++pairs_;
    more = v;
  }
  if (!verifier_) return more;
  if (!more.ok()) return verifier_->Explain(more.status());
  if (*more) return true;
  absl::Status verified = verifier_->Finish(pairs_, offset_);
  verifier_.reset();  // verified once
  if (!verified.ok()) return verified;
  return false;
}

}  // namespace dxt::executor
