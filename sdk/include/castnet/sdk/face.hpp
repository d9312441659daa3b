// What the detector and embedder stages hand on: a face's box, score and landmarks.
#pragma once
#include <vector>

namespace castnet {

// Pixel box in dlib's convention: right and bottom are inclusive, as face_recognition reports.
struct Box {
  long left = 0, top = 0, right = 0, bottom = 0;
  long width() const { return right - left + 1; }
  long height() const { return bottom - top + 1; }
  long area() const { return width() * height(); }
};

struct Point {
  long x = 0, y = 0;
};

struct Face {
  Box box;
  double score = 0;               // the detector's confidence
  std::vector<Point> landmarks;   // filled by an embedder that aligns (dlib-resnet: 5 points)
};

}  // namespace castnet
