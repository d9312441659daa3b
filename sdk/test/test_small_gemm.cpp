// The tiles' dot products (sdk/src/tile.hpp, small_gemm.hpp): every shape a search makes, edges
// included, within the error bound the engine's exactness rests on, against sums in double.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "../src/tile.hpp"

namespace castnet::index {
namespace {

TEST(SmallGemm, EveryShapeIsWithinTheErrorBoundTheSearchAssumes) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (std::size_t dim : {8, 16, 24, 128, 130})
    for (std::size_t m : {1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 130})
      for (std::size_t n : {1, 2, 3, 4, 5, 9, 46, 513}) {
        std::vector<float> a(m * dim), b(n * dim), dots(m * n, -1.0f);
        for (float& v : a) v = normal(rng);
        for (float& v : b) v = normal(rng);
        dot_block(a.data(), m, b.data(), n, dim, dots.data());
        for (std::size_t r = 0; r < m; ++r)
          for (std::size_t c = 0; c < n; ++c) {
            double exact = 0, na = 0, nb = 0;
            for (std::size_t d = 0; d < dim; ++d) {
              exact += double(a[r * dim + d]) * b[c * dim + d];
              na += double(a[r * dim + d]) * a[r * dim + d];
              nb += double(b[c * dim + d]) * b[c * dim + d];
            }
            // The squared distance's bound covers 2 a.b: half of it for the dot product alone.
            ASSERT_LE(std::abs(double(dots[r * n + c]) - exact), tolerance(na, nb, dim) / 2)
                << m << " x " << n << " x " << dim << " at " << r << ", " << c;
          }
      }
}

}  // namespace
}  // namespace castnet::index
