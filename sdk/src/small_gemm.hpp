// Dot products of a few rows against a few dozen columns, both stored point by point: the
// search's tiles (up to 64 x 512, most near 20 x 50, 128 deep). OpenBLAS packs both operands into
// its own layout on every call; at these sizes packing and set-up cost a third of its time
// (perf on a clustering: 11% in sgemm's copy routines beside 22% in its kernel). This kernel
// reads the rows where they lie, four rows by two columns at a time in AVX2 registers.
// tests/bench/bench_small_gemm.cpp: in cache, 1.2-5.4x OpenBLAS up to 22 x 46, slower from
// 64 x 46 up (0.6-0.8x); in the search, whose tiles are gathered from memory, DBSCAN took 244 s
// at a million faces against 282 s with OpenBLAS, and 19 s against 27 s at 300,000.
// Any summation order is within tile.hpp's error bound, so exactness does not depend on it.
#pragma once
#include <cstddef>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define CASTNET_SMALL_GEMM 1
#endif

namespace castnet::index {

constexpr std::size_t kSmallGemmRows = 64;  // a search's group of queries

#ifdef CASTNET_SMALL_GEMM
namespace small_gemm {

inline float sum(__m256 v) {
  __m128 a = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  a = _mm_add_ps(a, _mm_movehl_ps(a, a));
  return _mm_cvtss_f32(_mm_add_ss(a, _mm_shuffle_ps(a, a, 1)));
}

// out[r * ld + c] = a_r . b_c for R rows of a (stride dim) and C columns of b; dim % 8 == 0.
template <int R, int C>
inline void block(const float* a, const float* b, std::size_t dim, float* out, std::size_t ld) {
  __m256 acc[R][C];
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) acc[r][c] = _mm256_setzero_ps();
  for (std::size_t d = 0; d < dim; d += 8) {
    __m256 col[C];
    for (int c = 0; c < C; ++c) col[c] = _mm256_loadu_ps(b + c * dim + d);
    for (int r = 0; r < R; ++r) {
      const __m256 row = _mm256_loadu_ps(a + r * dim + d);
      for (int c = 0; c < C; ++c) acc[r][c] = _mm256_fmadd_ps(row, col[c], acc[r][c]);
    }
  }
  for (int r = 0; r < R; ++r)
    for (int c = 0; c < C; ++c) out[r * ld + c] = sum(acc[r][c]);
}

// Rows R at a time (R = 4, then what is left one by one), columns C at a time.
template <int R, int C>
inline void columns(const float* a, const float* b, std::size_t cols, std::size_t dim, float* out, std::size_t ld) {
  std::size_t c = 0;
  for (; c + C <= cols; c += C) block<R, C>(a, b + c * dim, dim, out + c, ld);
  for (; c < cols; ++c) block<R, 1>(a, b + c * dim, dim, out + c, ld);
}

}  // namespace small_gemm

// dots (m x cols, row-major) = a (m x dim) times b (cols x dim) transposed; dim % 8 == 0.
inline void small_dot_block(const float* a, std::size_t m, const float* b, std::size_t cols, std::size_t dim, float* dots) {
  std::size_t r = 0;
  for (; r + 4 <= m; r += 4) small_gemm::columns<4, 2>(a + r * dim, b, cols, dim, dots + r * cols, cols);
  for (; r < m; ++r) small_gemm::columns<1, 4>(a + r * dim, b, cols, dim, dots + r * cols, cols);
}
#endif

}  // namespace castnet::index
