// The width and height an image file declares in its header, read before any pixel is decoded,
// so that a 2.7 MB PNG declaring 30000x30000 is refused instead of decoded into 2.7 GB.
#pragma once
#include <cstddef>
#include <optional>

namespace castnet {

struct DeclaredSize {
  unsigned long long width = 0, height = 0;
};

// JPEG (the first SOFn marker), PNG (IHDR), BMP, WebP (VP8, VP8L, VP8X) and GIF; nullopt for
// other formats or a header too short to say.
std::optional<DeclaredSize> declared_size(const unsigned char* data, std::size_t n);

}  // namespace castnet
