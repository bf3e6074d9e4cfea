// Why the decoder is stricter than Disco's own reader (disco_input_stream), each time because the
// lenient reading loses data silently:
//  - a stream must end with its terminator hunk: Disco's reader accepts a file cut at a hunk
//    boundary, dropping every later hunk without a word;
//  - hunk markers other than 0x81, flags other than 0/1, and bytes after a zlib stream are errors
//    (Disco reads any byte >= 0x80 as a hunk and any non-zero flag as compressed);
//  - the layout is fixed by the first byte (Disco switches to the text layout at any hunk
//    boundary whose byte is < 0x80), and text separators are checked (Disco skips them unread).
// A further hunk after a terminator is read, as Disco's reader reads concatenated compressed
// streams (it stops at an uncompressed empty hunk; dxt reads on).
#include "codec/disco_stream.h"

#include <zlib.h>

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace dxt::codec {
namespace {

uint64_t LoadLe(std::string_view b, size_t at, size_t width) {
  uint64_t v = 0;
  for (size_t i = width; i-- > 0;) v = (v << 8) | static_cast<unsigned char>(b[at + i]);
  return v;
}

void AppendLe(std::string* out, uint64_t v, size_t width) {
  for (size_t i = 0; i < width; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t Crc32(std::string_view bytes) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t done = 0; done < bytes.size();) {  // crc32() takes a uInt length
    const size_t n = std::min<size_t>(bytes.size() - done, 1u << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + done), static_cast<uInt>(n));
    done += n;
  }
  return static_cast<uint32_t>(crc);
}

absl::Status Inflate(std::string_view in, uint64_t limit, std::string* out) {
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return absl::InternalError("zlib inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());  // in.size() <= max_hunk_size < 4 GiB
  out->clear();
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    if (out->size() > limit) break;
    // Grow with what inflate actually produces, never from a claimed size.
    const size_t have = out->size();
    const size_t grow = std::clamp<size_t>(have, 64 << 10, 64 << 20);
    out->resize(have + grow);
    zs.next_out = reinterpret_cast<Bytef*>(out->data() + have);
    zs.avail_out = static_cast<uInt>(grow);
    rc = inflate(&zs, Z_NO_FLUSH);
    out->resize(have + (grow - zs.avail_out));
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) rc = Z_DATA_ERROR;  // the stream just stops
    if (rc != Z_OK && rc != Z_STREAM_END) {
      const std::string why = zs.msg != nullptr ? zs.msg : "truncated zlib stream";
      const uLong read = zs.total_in;
      inflateEnd(&zs);
      return absl::DataLossError(absl::StrCat("zlib: ", why, " (after ", read, " payload bytes)"));
    }
  }
  const uInt left = zs.avail_in;
  inflateEnd(&zs);
  if (out->size() > limit) {
    return absl::OutOfRangeError(absl::StrCat("records exceed the hunk limit of ", limit, " bytes"));
  }
  if (left != 0) return absl::DataLossError(absl::StrCat(left, " payload byte(s) after the zlib stream"));
  return absl::OkStatus();
}

// Reads "<1-10 digits> " at `at`; sets *length and *next (the byte after the space).
DecodeStatus TextLength(std::string_view in, size_t at, uint64_t max_item, uint64_t* length,
                        size_t* next, std::string* why, size_t* error_at) {
  uint64_t v = 0;
  for (size_t i = 0;; ++i) {
    if (at + i == in.size()) return DecodeStatus::kIncomplete;
    const char c = in[at + i];
    if (c == ' ' && i > 0) {
      *next = at + i + 1;
      break;
    }
    if (c < '0' || c > '9' || i == kDiscoTextMaxDigits) {
      *why = i == kDiscoTextMaxDigits ? "a length of more than 10 digits"
                                      : absl::StrFormat("byte 0x%02x where a length digit or its space belongs",
                                                        static_cast<unsigned char>(c));
      *error_at = at + i;
      return DecodeStatus::kInvalid;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > max_item) {
    *why = absl::StrCat("length ", v, " exceeds the item limit ", max_item);
    *error_at = at;
    return DecodeStatus::kInvalid;
  }
  *length = v;
  return DecodeStatus::kOk;
}

}  // namespace

Decoded<DiscoHunkView> DecodeDiscoHunk(std::string_view in, const DiscoLimits& limits) {
  using D = Decoded<DiscoHunkView>;
  if (in.empty()) return D::Incomplete();
  if (static_cast<unsigned char>(in[0]) != kDiscoHunkMarker) {
    return D::Invalid(absl::StrFormat("hunk marker 0x%02x, expected 0x81 (DiscoOutputStream_v1)",
                                      static_cast<unsigned char>(in[0])), 0);
  }
  if (in.size() <= kDiscoHunkFlagAt) return D::Incomplete();
  const auto flag = static_cast<unsigned char>(in[kDiscoHunkFlagAt]);
  if (flag > 1) return D::Invalid(absl::StrFormat("compression flag 0x%02x (0 or 1)", flag), kDiscoHunkFlagAt);
  if (in.size() < kDiscoHunkHeaderSize) return D::Incomplete();
  const uint64_t length = LoadLe(in, kDiscoHunkLengthAt, 8);
  if (length > limits.max_hunk_size) {
    return D::Invalid(absl::StrCat("payload length ", length, " exceeds the hunk limit ", limits.max_hunk_size),
                      kDiscoHunkLengthAt);
  }
  if (in.size() - kDiscoHunkHeaderSize < length) return D::Incomplete();
  DiscoHunkView h;
  h.compressed = flag == 1;
  h.crc32 = static_cast<uint32_t>(LoadLe(in, kDiscoHunkCrcAt, 4));
  h.payload = in.substr(kDiscoHunkHeaderSize, length);
  return D::Ok(h, kDiscoHunkHeaderSize + length);
}

absl::Status DiscoHunkRecords(const DiscoHunkView& hunk, const DiscoLimits& limits,
                              std::string* records) {
  if (hunk.compressed) {
    if (absl::Status s = Inflate(hunk.payload, limits.max_hunk_size, records); !s.ok()) return s;
  } else {
    records->assign(hunk.payload);
  }
  const uint32_t crc = Crc32(*records);
  if (crc != hunk.crc32) {
    return absl::DataLossError(absl::StrFormat("CRC-32 mismatch: header 0x%08x, records 0x%08x",
                                               hunk.crc32, crc));
  }
  return absl::OkStatus();
}

Decoded<PairView> DecodeDiscoTextPair(std::string_view in, uint64_t max_item_size) {
  using D = Decoded<PairView>;
  std::string why;
  size_t error_at = 0;
  std::string_view parts[2];
  size_t pos = 0;
  for (int i = 0; i < 2; ++i) {
    uint64_t length = 0;
    size_t body = 0;
    const DecodeStatus s = TextLength(in, pos, max_item_size, &length, &body, &why, &error_at);
    if (s == DecodeStatus::kIncomplete) return D::Incomplete();
    if (s == DecodeStatus::kInvalid) return D::Invalid(std::move(why), error_at);
    if (in.size() - body <= length) return D::Incomplete();  // the bytes and their separator
    const char separator = i == 0 ? ' ' : '\n';
    if (in[body + length] != separator) {
      return D::Invalid(absl::StrFormat("byte 0x%02x after the %s, expected %s",
                                        static_cast<unsigned char>(in[body + length]),
                                        i == 0 ? "key" : "value", i == 0 ? "a space" : "\"\\n\""),
                        body + length);
    }
    parts[i] = in.substr(body, length);
    pos = body + length + 1;
  }
  return D::Ok(PairView{parts[0], parts[1]}, pos);
}

void DiscoStreamDecoder::Feed(std::string_view chunk) {
  if (buffer_pos_ > 0 && buffer_pos_ * 2 >= buffer_.size()) {
    buffer_.erase(0, buffer_pos_);
    buffer_pos_ = 0;
  }
  buffer_.append(chunk);
}

Decoded<PairView> DiscoStreamDecoder::Fail(std::string reason, uint64_t offset) {
  failed_ = true;
  error_ = std::move(reason);
  error_offset_ = offset;
  return Decoded<PairView>::Invalid(error_, error_offset_);
}

Decoded<PairView> DiscoStreamDecoder::NextRecord() {
  const size_t at = record_pos_;
  Decoded<DiscoRecord> d =
      DecodePickledRecord(std::string_view(records_).substr(at), limits_.max_item_size);
  const std::string where = absl::StrCat("hunk at offset ", hunk_offset_, ": record ", hunk_record_);
  if (d.incomplete()) {
    return Fail(absl::StrCat(where, " (byte ", at, " of its records): the hunk ends inside the record"),
                hunk_offset_);
  }
  if (d.invalid()) {
    return Fail(absl::StrCat(where, " (byte ", at + d.error_offset, " of its records): ", d.reason),
                hunk_offset_);
  }
  record_ = std::move(d.value);
  record_pos_ += d.consumed;
  ++hunk_record_;
  ++records_read_;
  return Decoded<PairView>::Ok(PairView{record_.key, record_.value}, d.consumed);
}

Decoded<PairView> DiscoStreamDecoder::Next() {
  if (failed_) return Decoded<PairView>::Invalid(error_, error_offset_);
  while (true) {
    if (record_pos_ < records_.size()) return NextRecord();
    const std::string_view rest = std::string_view(buffer_).substr(buffer_pos_);
    if (rest.empty()) return Decoded<PairView>::Incomplete();
    if (layout_ == DiscoLayout::kUnknown) {
      layout_ = static_cast<unsigned char>(rest[0]) >= 0x80 ? DiscoLayout::kHunks : DiscoLayout::kText;
    }
    if (layout_ == DiscoLayout::kText) {
      Decoded<PairView> d = DecodeDiscoTextPair(rest, limits_.max_item_size);
      if (d.invalid()) {
        return Fail(absl::StrCat("offset ", consumed_ + d.error_offset, ": text pair ", records_read_,
                                 ": ", d.reason), consumed_ + d.error_offset);
      }
      if (d.ok()) {
        buffer_pos_ += d.consumed;
        consumed_ += d.consumed;
        ++records_read_;
      }
      return d;
    }
    Decoded<DiscoHunkView> h = DecodeDiscoHunk(rest, limits_);
    if (h.incomplete()) return Decoded<PairView>::Incomplete();
    if (h.invalid()) {
      return Fail(absl::StrCat("hunk at offset ", consumed_, ": byte ", consumed_ + h.error_offset, ": ", h.reason),
                  consumed_ + h.error_offset);
    }
    if (absl::Status s = DiscoHunkRecords(h.value, limits_, &records_); !s.ok()) {
      records_.clear();
      return Fail(absl::StrCat("hunk at offset ", consumed_, ": ", s.message()), consumed_);
    }
    hunk_offset_ = consumed_;
    buffer_pos_ += h.consumed;
    consumed_ += h.consumed;
    record_pos_ = 0;
    hunk_record_ = 0;
    terminated_ = records_.empty();
  }
}

absl::Status DiscoStreamDecoder::Finish() const {
  if (failed_) return absl::DataLossError(error_);
  const std::string_view rest = std::string_view(buffer_).substr(buffer_pos_);
  if (layout_ == DiscoLayout::kText && !rest.empty()) {
    return absl::DataLossError(absl::StrCat("offset ", consumed_, ": stream ends inside text pair ",
                                            records_read_, " (", rest.size(), " bytes)"));
  }
  if (layout_ != DiscoLayout::kHunks) return absl::OkStatus();
  if (!rest.empty()) {
    const std::string need =
        rest.size() < kDiscoHunkHeaderSize
            ? absl::StrCat("have ", rest.size(), " of its ", kDiscoHunkHeaderSize, " header bytes")
            : absl::StrCat("have ", rest.size(), " of ",
                           kDiscoHunkHeaderSize + LoadLe(rest, kDiscoHunkLengthAt, 8), " bytes");
    return absl::DataLossError(absl::StrCat("offset ", consumed_, ": stream ends inside a hunk (", need, ")"));
  }
  if (!terminated_) {
    return absl::DataLossError(absl::StrCat("offset ", consumed_,
                                            ": stream ends without its terminator hunk (truncated)"));
  }
  return absl::OkStatus();
}

absl::Status AppendDiscoHunk(std::string* out, std::string_view records, bool compress) {
  std::string compressed;
  std::string_view payload = records;
  if (compress) {
    uLongf size = compressBound(records.size());
    compressed.resize(size);
    if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size,
                  reinterpret_cast<const Bytef*>(records.data()), records.size(),
                  kDiscoZlibLevel) != Z_OK) {
      return absl::InternalError("zlib compress2 failed");
    }
    compressed.resize(size);
    payload = compressed;
  }
  out->push_back(static_cast<char>(kDiscoHunkMarker));
  out->push_back(compress ? 1 : 0);
  AppendLe(out, Crc32(records), 4);
  AppendLe(out, payload.size(), 8);
  out->append(payload);
  return absl::OkStatus();
}

absl::Status DiscoStreamEncoder::Add(std::string_view key, std::string_view value, std::string* out) {
  AppendPickledBytesRecord(&records_, key, value);
  if (records_.size() <= kDiscoHunkFlushBytes) return absl::OkStatus();
  absl::Status s = AppendDiscoHunk(out, records_, compress_);
  records_.clear();
  return s;
}

absl::Status DiscoStreamEncoder::Finish(std::string* out) {
  if (!records_.empty()) {
    if (absl::Status s = AppendDiscoHunk(out, records_, compress_); !s.ok()) return s;
    records_.clear();
  }
  return AppendDiscoHunk(out, "", compress_);
}

}  // namespace dxt::codec
