#include "image_size.hpp"

#include <cstdint>
#include <cstring>

namespace castnet {

namespace {

unsigned be16(const unsigned char* p) { return unsigned(p[0]) << 8 | p[1]; }
unsigned long be32(const unsigned char* p) { return (unsigned long)be16(p) << 16 | be16(p + 2); }
unsigned le16(const unsigned char* p) { return unsigned(p[1]) << 8 | p[0]; }
unsigned long le24(const unsigned char* p) { return (unsigned long)p[2] << 16 | le16(p); }
long le32s(const unsigned char* p) { return std::int32_t(std::uint32_t(le24(p)) | std::uint32_t(p[3]) << 24); }

std::optional<DeclaredSize> jpeg_size(const unsigned char* d, std::size_t n) {
  std::size_t i = 2;
  while (i + 4 <= n) {
    if (d[i] != 0xFF) return std::nullopt;
    unsigned marker = d[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
      i += 2;
      continue;
    }
    unsigned length = be16(d + i + 2);
    // SOF0..SOF15, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
    bool sof = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (sof && i + 9 <= n) return DeclaredSize{be16(d + i + 7), be16(d + i + 5)};
    if (length < 2) return std::nullopt;
    i += 2 + length;
  }
  return std::nullopt;
}

std::optional<DeclaredSize> webp_size(const unsigned char* d, std::size_t n) {
  if (n < 30 || std::memcmp(d + 8, "WEBP", 4) != 0) return std::nullopt;
  const unsigned char* c = d + 12;
  if (std::memcmp(c, "VP8X", 4) == 0) return DeclaredSize{le24(c + 12) + 1, le24(c + 15) + 1};
  if (std::memcmp(c, "VP8L", 4) == 0) {
    unsigned long bits = le24(c + 9) | (unsigned long)c[12] << 24;
    return DeclaredSize{(bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1};
  }
  if (std::memcmp(c, "VP8 ", 4) == 0) return DeclaredSize{le16(c + 14) & 0x3FFFu, le16(c + 16) & 0x3FFFu};
  return std::nullopt;
}

}  // namespace

std::optional<DeclaredSize> declared_size(const unsigned char* d, std::size_t n) {
  if (n >= 4 && d[0] == 0xFF && d[1] == 0xD8) return jpeg_size(d, n);
  if (n >= 24 && std::memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(d + 12, "IHDR", 4) == 0)
    return DeclaredSize{be32(d + 16), be32(d + 20)};
  if (n >= 26 && d[0] == 'B' && d[1] == 'M') {
    long w = le32s(d + 18), h = le32s(d + 22);  // a negative height is a top-down bitmap
    return DeclaredSize{(unsigned long long)(w < 0 ? -(long long)w : w), (unsigned long long)(h < 0 ? -(long long)h : h)};
  }
  if (n >= 12 && std::memcmp(d, "RIFF", 4) == 0) return webp_size(d, n);
  if (n >= 10 && (std::memcmp(d, "GIF87a", 6) == 0 || std::memcmp(d, "GIF89a", 6) == 0)) return DeclaredSize{le16(d + 6), le16(d + 8)};
  return std::nullopt;
}

}  // namespace castnet
