// face_recognition's _trim_css_to_bounds, shared by the dlib detectors.
#pragma once
#include <algorithm>

#include "castnet/sdk/face.hpp"

namespace castnet {

// Clips right and bottom to the width and height themselves (not width - 1), as
// face_recognition does, so boxes match its output to the pixel.
inline Box trim_to_image(long left, long top, long right, long bottom, int cols, int rows) {
  return {std::max(left, 0L), std::max(top, 0L), std::min<long>(right, cols), std::min<long>(bottom, rows)};
}

}  // namespace castnet
