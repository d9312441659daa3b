// What the average-linkage join (the constraints' merge_distance) costs on calibrated synthetic
// faces: each identity cut into four clusters at random, every face in a frame of its own, joined
// at dlib's same-person distance 0.6 as the default pipeline does. Prints the median of RUNS
// runs per n, with the joins made and the clusters left.
//   build/tests/bench/bench_join [RUNS] [N...]        (default: 3, 20000 100000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>

#include "castnet/core/constraints.hpp"
#include "castnet/eval/synthetic_faces.hpp"

using namespace castnet;

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  std::vector<std::size_t> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::strtoul(argv[i], nullptr, 10));
  if (sizes.empty()) sizes = {20000, 100000};
  for (std::size_t n : sizes) {
    const SyntheticFaces f = synthetic_faces(n, 7);
    std::mt19937_64 rng(3);
    std::vector<int> pieces(n);
    for (std::size_t i = 0; i < n; ++i) pieces[i] = f.identity[i] * 4 + int(rng() % 4);
    std::vector<FacePlace> where(n);
    for (std::size_t i = 0; i < n; ++i) where[i] = {std::int64_t(i), 1, long(i), Box{0, 0, 10, 10}};
    std::vector<double> seconds;
    ConstraintSummary s;
    std::vector<int> labels;
    for (int r = 0; r < runs; ++r) {
      labels = pieces;
      auto t0 = std::chrono::steady_clock::now();
      s = apply_constraints(where, f.x, labels, {false, false, 0.5, 0.6, 0.6});
      seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(seconds.begin(), seconds.end());
    std::printf("n=%zu clusters=%zu joins=%zu left=%zu median_s=%.2f runs=%d\n", n, std::set<int>(pieces.begin(), pieces.end()).size(),
                s.merged_clusters, std::set<int>(labels.begin(), labels.end()).size(), seconds[seconds.size() / 2], runs);
  }
}
