// What an edge rule hands on: two identities seen together, how often, and the weight.
// Apart from stages.hpp so that the network module gets it without OpenCV.
#pragma once

namespace castnet {

struct Edge {
  int a = 0, b = 0;     // identities, a < b
  long count = 0;       // co-occurrences
  double weight = 0;    // count / max count
};

}  // namespace castnet
