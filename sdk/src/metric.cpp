#include "castnet/sdk/metric.hpp"

#include <cmath>

namespace castnet {

const char* to_string(Metric m) {
  switch (m) {
    case Metric::euclidean: return "euclidean";
    case Metric::cosine: return "cosine";
    case Metric::hamming: return "hamming";
  }
  return "?";
}

std::optional<Metric> metric_from_string(const std::string& s) {
  for (Metric m : {Metric::euclidean, Metric::cosine, Metric::hamming})
    if (s == to_string(m)) return m;
  return std::nullopt;
}

template <class T>
double distance_of(const T* a, const T* b, std::size_t dim, Metric m) {
  switch (m) {
    case Metric::euclidean: {
      double s = 0;
      for (std::size_t i = 0; i < dim; ++i) {
        double d = double(a[i]) - double(b[i]);
        s += d * d;
      }
      return std::sqrt(s);
    }
    case Metric::cosine: {
      double ab = 0, aa = 0, bb = 0;
      for (std::size_t i = 0; i < dim; ++i) {
        ab += double(a[i]) * b[i];
        aa += double(a[i]) * a[i];
        bb += double(b[i]) * b[i];
      }
      return (aa == 0 || bb == 0) ? 1.0 : 1.0 - ab / std::sqrt(aa * bb);
    }
    case Metric::hamming: {
      double s = 0;
      for (std::size_t i = 0; i < dim; ++i) s += (a[i] != b[i]);
      return s;
    }
  }
  return 0;
}

double distance(const double* a, const double* b, std::size_t dim, Metric m) { return distance_of(a, b, dim, m); }
double distance(const float* a, const float* b, std::size_t dim, Metric m) { return distance_of(a, b, dim, m); }

}  // namespace castnet
