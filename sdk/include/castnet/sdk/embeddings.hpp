// A set of n embeddings of one dimension, row after row, as clusterers receive them.
#pragma once
#include <cstddef>
#include <vector>

#include "castnet/sdk/metric.hpp"

namespace castnet {

struct EmbeddingSet {
  std::size_t dim = 0;
  Metric metric = Metric::euclidean;
  // Double precision: clustering decisions compare distances at their last bits (DBSCAN at eps,
  // HDBSCAN at tied reachabilities), and input coordinates need not be float32 values.
  std::vector<double> data;  // size() == n * dim

  std::size_t size() const { return dim ? data.size() / dim : 0; }
  const double* row(std::size_t i) const { return data.data() + i * dim; }
  double distance(std::size_t i, std::size_t j) const {
    return castnet::distance(row(i), row(j), dim, metric);
  }
};

}  // namespace castnet
