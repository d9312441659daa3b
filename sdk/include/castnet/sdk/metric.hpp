// Distances between embeddings. An embedder declares its metric; clusterers work through it,
// so one DBSCAN serves both the ResNet (euclidean) and the perceptual-hash (hamming) pipeline.
#pragma once
#include <cstddef>
#include <optional>
#include <string>

namespace castnet {

enum class Metric { euclidean, cosine, hamming };
const char* to_string(Metric m);
std::optional<Metric> metric_from_string(const std::string& s);

// Hamming embeddings are stored one bit per float (0 or 1), so the distance is a count of
// differing components. Computed in double, as scikit-learn does on float64 input.
double distance(const double* a, const double* b, std::size_t dim, Metric m);
// For embedders' own float output.
double distance(const float* a, const float* b, std::size_t dim, Metric m);

}  // namespace castnet
