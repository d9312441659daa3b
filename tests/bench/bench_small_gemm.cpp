// The search's tiles of dot products: small_gemm.hpp's kernel beside what the engine calls
// without it (tile.hpp's blas_dot_block: OpenBLAS's sgemm, its sgemv for one row, one thread),
// on the shapes a clustering computes, in cache.
//   build/tests/bench/bench_small_gemm
// Prints GFLOPS for each and their ratio; the kernel is used up to kSmallGemmRows rows.
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "../../sdk/src/blas_threads.hpp"
#include "../../sdk/src/tile.hpp"

int main() {
#ifndef CASTNET_SMALL_GEMM
  std::printf("built without AVX2: the kernel is not used\n");
  return 0;
#else
  using namespace castnet::index;
  OneBlasThread one_blas_thread;
  constexpr std::size_t dim = 128;
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 0.1f);
  std::vector<float> a(512 * dim), b(2048 * dim), out(512 * 2048);
  for (float& v : a) v = normal(rng);
  for (float& v : b) v = normal(rng);
  const std::size_t shapes[][2] = {{1, 2048}, {3, 46}, {8, 46}, {22, 16}, {22, 46}, {22, 300}, {64, 46}, {64, 512}, {512, 512}};
  auto seconds = [](auto&& f, std::size_t reps) {
    auto start = std::chrono::steady_clock::now();
    for (std::size_t r = 0; r < reps; ++r) f();
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  };
  for (const auto& [m, n] : shapes) {
    const std::size_t reps = std::size_t(4e9 / double(2 * m * n * dim)) + 1;
    double blas = 1e300, kernel = 1e300;
    for (int run = 0; run < 3; ++run) {  // best of three: the machine is shared
      blas = std::min(blas, seconds([&] { blas_dot_block(a.data(), m, b.data(), n, dim, out.data()); }, reps));
      kernel = std::min(kernel, seconds([&] { small_dot_block(a.data(), m, b.data(), n, dim, out.data()); }, reps));
    }
    const double flops = 2.0 * double(m * n * dim * reps);
    std::printf("%4zu x %4zu x %zu: openblas %5.1f GFLOPS, kernel %5.1f GFLOPS, kernel/openblas %.2f\n", m, n, dim, flops / blas / 1e9,
                flops / kernel / 1e9, blas / kernel);
  }
  return 0;
#endif
}
