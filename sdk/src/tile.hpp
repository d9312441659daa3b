// Blocks of float dot products and what they prove: the error bound of a squared distance taken
// from them, and the tile a search hands to its visitor.
#pragma once
#include <algorithm>
#include <cstddef>

#include <cblas.h>

#include "ball_tree.hpp"
#include "small_gemm.hpp"

namespace castnet::index {

// Float error in a squared distance computed as |a|^2 + |b|^2 - 2 a.b, with room to spare:
// decisions inside this band are remade exactly (ExactIndex::Radius::holds).
inline double tolerance(double norm2_a, double norm2_b, std::size_t dim) {
  return (double(dim) + 16.0) * 0x1p-21 * (norm2_a + norm2_b) + 1e-30;
}

// dots (m x cols, row-major) = a (m x dim) times b (cols x dim) transposed, without our kernel:
// BLAS for blocks, and a plain loop for a row or two against a few, where BLAS's set-up costs
// more than it saves.
inline void blas_dot_block(const float* a, std::size_t m, const float* b, std::size_t cols, std::size_t dim, float* dots) {
  if (m > 2) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(cols), int(dim), 1.0f, a, int(dim), b, int(dim), 0.0f,
                dots, int(cols));
    return;
  }
  if (m == 1 && cols >= 64) {
    cblas_sgemv(CblasRowMajor, CblasNoTrans, int(cols), int(dim), 1.0f, b, int(dim), a, 1, 0.0f, dots, 1);
    return;
  }
  for (std::size_t r = 0; r < m; ++r)
    for (std::size_t c = 0; c < cols; ++c) {
      const float *x = a + r * dim, *y = b + c * dim;
      float lane[8] = {};  // eight independent sums: vectorised without reordering a sum
      const std::size_t body = dim - dim % 8;
      for (std::size_t d = 0; d < body; d += 8)
        for (std::size_t k = 0; k < 8; ++k) lane[k] += x[d + k] * y[d + k];
      for (std::size_t d = body; d < dim; ++d) lane[0] += x[d] * y[d];
      dots[r * cols + c] = ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
    }
}

// The same, up to a search's tile of rows with small_gemm.hpp's kernel where the build has AVX2
// (for more rows BLAS's blocking wins: tests/bench/bench_small_gemm).
inline void dot_block(const float* a, std::size_t m, const float* b, std::size_t cols, std::size_t dim, float* dots) {
#ifdef CASTNET_SMALL_GEMM
  if (dim % 8 == 0 && m <= kSmallGemmRows) {
    small_dot_block(a, m, b, cols, dim, dots);
    return;
  }
#endif
  blas_dot_block(a, m, b, cols, dim, dots);
}

struct Tile {
  const Tree* tree;
  const std::size_t* rows;  // tree positions of the queries, m of them
  std::size_t m;
  const std::size_t* cols;  // tree positions of the candidates, ascending, n of them
  std::size_t n;
  const float* dots;       // m x n, row-major
  const float* col_norms;  // squared norms of the candidates
  double approx2(std::size_t r, std::size_t k) const {
    return std::max(0.0, double(tree->space.norms[rows[r]]) + double(col_norms[k]) - 2.0 * double(dots[r * n + k]));
  }
};

}  // namespace castnet::index
