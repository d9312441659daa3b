// The tiles' dot products (sdk/src/tile.hpp, small_gemm.hpp): both ways of computing them, on
// every shape a search makes, edges included, within the error bound the engine's exactness
// rests on, against sums in double.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "../src/tile.hpp"

namespace castnet::index {
namespace {

using DotBlock = std::function<void(const float*, std::size_t, const float*, std::size_t, std::size_t, float*)>;

void expect_within_bound(const std::string& name, const DotBlock& dot_block) {
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (std::size_t dim : {8, 16, 24, 128, 130})
    for (std::size_t m : {1, 2, 3, 4, 5, 7, 8, 9, 63, 64, 65, 130})
      for (std::size_t n : {1, 2, 3, 4, 5, 9, 46, 64, 513}) {
        if (name == "kernel" && dim % 8 != 0) continue;  // dot_block never gives it such rows
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
                << name << ": " << m << " x " << n << " x " << dim << " at " << r << ", " << c;
          }
      }
}

TEST(SmallGemm, EveryShapeIsWithinTheErrorBoundTheSearchAssumes) {
  expect_within_bound("blas", blas_dot_block);
  expect_within_bound("dot_block", dot_block);
#ifdef CASTNET_SMALL_GEMM
  expect_within_bound("kernel", small_dot_block);
#else
  GTEST_SKIP() << "built without AVX2: the kernel is not compiled (BLAS checked above)";
#endif
}

}  // namespace
}  // namespace castnet::index
