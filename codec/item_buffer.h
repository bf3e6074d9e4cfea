// ItemBuffer: the bytes of one item that arrives in pieces (a pair split across reads), for
// decoders that must hand on one contiguous view of it.
//
// Why not std::string: its growth allocates a new block and copies the old one into it, so at the
// last doubling of a 300 MiB item 256 MiB old + 256 MiB new are resident at once (1.7 items for
// one). realloc(3) moves a large block's pages instead (glibc keeps blocks above its mmap
// threshold in their own mappings and grows them with mremap), so growing never holds two copies.
// Capacity is never grown past the item's announced size, and only as bytes actually arrive
// (STYLE habit 1: nothing is allocated from a claimed length before the bytes exist).
#ifndef DXT_CODEC_ITEM_BUFFER_H_
#define DXT_CODEC_ITEM_BUFFER_H_

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

namespace dxt::codec {

class ItemBuffer {
 public:
  ItemBuffer() = default;
  ~ItemBuffer() { std::free(data_); }
  ItemBuffer(const ItemBuffer&) = delete;
  ItemBuffer& operator=(const ItemBuffer&) = delete;

  std::string_view view() const { return {data_, size_}; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  // Appends `bytes`. `target` is the item's whole size as far as known (>= size() +
  // bytes.size() for a useful hint): capacity doubles up to it, never beyond. Throws
  // std::bad_alloc when memory runs out, as std::string would.
  void Append(std::string_view bytes, uint64_t target) {
    const size_t need = size_ + bytes.size();
    if (need > cap_) {
      const uint64_t doubled = std::max<uint64_t>(uint64_t{cap_} * 2, kMinCapacity);
      Grow(static_cast<size_t>(std::max<uint64_t>(need, std::min(doubled, target))));
    }
    if (!bytes.empty()) std::memcpy(data_ + size_, bytes.data(), bytes.size());
    size_ = need;
  }

  // Empties the buffer; a large block is given back (a 1 GiB item must not stay resident until
  // the next one).
  void Clear() {
    size_ = 0;
    if (cap_ > kKeptCapacity) {
      std::free(data_);
      data_ = nullptr;
      cap_ = 0;
    }
  }

 private:
  static constexpr size_t kMinCapacity = 4096;
  static constexpr size_t kKeptCapacity = size_t{1} << 20;

  void Grow(size_t cap) {
    void* p = std::realloc(data_, cap);
    if (p == nullptr) throw std::bad_alloc();
    data_ = static_cast<char*>(p);
    cap_ = cap;
  }

  char* data_ = nullptr;
  size_t size_ = 0;
  size_t cap_ = 0;
};

}  // namespace dxt::codec

#endif  // DXT_CODEC_ITEM_BUFFER_H_
