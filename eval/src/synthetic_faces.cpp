#include "castnet/eval/synthetic_faces.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace castnet {
namespace {

constexpr std::size_t kDim = 128;
constexpr double kFacesPerIdentity = 150;
constexpr double kLargestShare = 0.2;
// Per-face spread s^2 ~ U[0.01, 0.16] and identity spread t^2 = 0.28 exp(0.3 z): a pair of one
// identity is s_i^2 + s_j^2 apart (squared), of two identities t_a^2 + t_b^2 more. Fitted on the
// quantiles above (docs/cluster.md).
constexpr double kFaceSpreadLow = 0.01, kFaceSpreadHigh = 0.16;
constexpr double kIdentitySpread = 0.28, kIdentitySpreadLog = 0.3;

// Standard normal from two uniforms (Box-Muller): std::normal_distribution differs between
// standard libraries, and the benchmark's points must not.
double normal(std::mt19937_64& rng) {
  constexpr double kTwoPi = 6.283185307179586;
  double u1 = (double(rng() >> 11) + 1.0) * 0x1p-53, u2 = double(rng() >> 11) * 0x1p-53;
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

double uniform(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1p-53; }

// Zipf sizes summing to n, the exponent chosen so that the first is kLargestShare of n.
std::vector<std::size_t> zipf_sizes(std::size_t n, std::size_t people) {
  auto share_of_first = [&](double a) {
    double h = 0;
    for (std::size_t k = 1; k <= people; ++k) h += std::pow(double(k), -a);
    return 1.0 / h;
  };
  double lo = 0.0, hi = 4.0;
  for (int i = 0; i < 60; ++i) ((share_of_first((lo + hi) / 2) < kLargestShare) ? lo : hi) = (lo + hi) / 2;
  double a = (lo + hi) / 2, h = 1.0 / share_of_first(a);
  std::vector<std::size_t> sizes(people);
  std::size_t total = 0;
  for (std::size_t k = 0; k < people; ++k) total += sizes[k] = std::max<std::size_t>(1, std::size_t(double(n) * std::pow(double(k + 1), -a) / h));
  for (std::size_t k = 0; total < n; k = (k + 1) % people, ++total) ++sizes[k];  // rounding: spread the rest
  while (total > n) --sizes[0], --total;
  return sizes;
}

}  // namespace

SyntheticFaces synthetic_faces(std::size_t n, unsigned long long seed) {
  std::mt19937_64 rng(seed);
  const std::size_t people = std::max<std::size_t>(1, std::size_t(std::lround(double(n) / kFacesPerIdentity)));
  std::vector<std::size_t> sizes = zipf_sizes(n, people);
  const double unit = 1.0 / std::sqrt(double(kDim));
  std::vector<double> centre(kDim);
  SyntheticFaces f;
  f.x.dim = kDim;
  f.x.data.reserve(n * kDim);
  std::vector<std::size_t> order;  // faces of all identities, interleaved as a year's broadcasts are
  for (std::size_t k = 0; k < people; ++k) order.insert(order.end(), sizes[k], k);
  std::shuffle(order.begin(), order.end(), rng);
  std::vector<std::vector<double>> centres(people, std::vector<double>(kDim));
  for (auto& c : centres) {
    double t = std::sqrt(kIdentitySpread * std::exp(kIdentitySpreadLog * normal(rng)));
    for (double& v : c) v = normal(rng) * unit * t;
  }
  for (std::size_t k : order) {
    double s = std::sqrt(kFaceSpreadLow + (kFaceSpreadHigh - kFaceSpreadLow) * uniform(rng));
    for (std::size_t d = 0; d < kDim; ++d) f.x.data.push_back(centres[k][d] + normal(rng) * unit * s);
    f.identity.push_back(int(k));
  }
  return f;
}

DistanceQuantiles distance_quantiles(const SyntheticFaces& f, std::size_t pairs) {
  std::mt19937_64 rng(7);
  std::vector<double> same, different;
  const std::size_t n = f.x.size();
  for (std::size_t p = 0; p < pairs && n > 1; ++p) {
    std::size_t i = rng() % n, j = rng() % n;
    if (i == j) continue;
    (f.identity[i] == f.identity[j] ? same : different).push_back(f.x.distance(i, j));
  }
  auto q = [](std::vector<double>& v, double at) {
    if (v.empty()) return 0.0;
    auto it = v.begin() + std::ptrdiff_t(at * double(v.size() - 1));
    std::nth_element(v.begin(), it, v.end());
    return *it;
  };
  return {q(same, 0.5), q(same, 0.05), q(same, 0.95), q(different, 0.5), q(different, 0.01)};
}

}  // namespace castnet
