// Clustering metrics against scikit-learn 1.2 (Debian's python3-sklearn) on the same labels:
// adjusted Rand, NMI, and pairwise precision/recall from its pair confusion matrix. B-cubed has
// no scikit-learn function; it is checked against its definition computed with numpy.
#include <random>
#include <sstream>

#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/eval/clustering_scores.hpp"
#include "support.hpp"

namespace castnet {
namespace {

constexpr const char* kScript = R"(
import sys, numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import pair_confusion_matrix
for line in open(sys.argv[1]):
    t, p = (np.array(list(map(int, part.split()))) for part in line.split('|'))
    (tn, fp), (fn, tp) = pair_confusion_matrix(t, p)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    same_t = t[:, None] == t[None, :]
    same_p = p[:, None] == p[None, :]
    both = (same_t & same_p).sum(1)
    bp, br = np.mean(both / same_p.sum(1)), np.mean(both / same_t.sum(1))
    print(repr(adjusted_rand_score(t, p)), repr(normalized_mutual_info_score(t, p)), repr(prec), repr(rec), repr(bp), repr(br))
)";

TEST(Metrics, EqualScikitLearnOnRandomLabelings) {
  if (test::run(test::python() + " -c 'import sklearn'") != 0) GTEST_SKIP() << "python3-sklearn is missing (scripts/setup installs it)";
  std::mt19937 rng(7);
  std::vector<std::pair<std::vector<int>, std::vector<int>>> cases;
  for (int k = 0; k < 40; ++k) {
    std::size_t n = 5 + rng() % 200;
    int kt = 1 + int(rng() % 8), kp = 1 + int(rng() % 10);
    std::vector<int> t(n), p(n);
    for (std::size_t i = 0; i < n; ++i) {
      t[i] = int(rng() % unsigned(kt));
      // mostly agreeing, sometimes not, sometimes noise
      p[i] = rng() % 4 ? t[i] : int(rng() % unsigned(kp)) - 1;
    }
    cases.emplace_back(t, p);
  }
  cases.push_back({{0, 0, 1, 1}, {5, 5, 7, 7}});  // identical partitions, other numbers
  cases.push_back({{0, 0, 0}, {1, 1, 1}});        // one cluster each
  cases.push_back({{0, 1, 2}, {0, 0, 0}});
  auto dir = std::filesystem::temp_directory_path();
  auto in = dir / fmt::format("castnet_metrics_{}.txt", ::getpid()), script = dir / fmt::format("castnet_metrics_{}.py", ::getpid());
  {
    std::ofstream f(in);
    for (const auto& [t, p] : cases) f << fmt::format("{}|{}\n", fmt::join(t, " "), fmt::join(p, " "));
    std::ofstream(script) << kScript;
  }
  std::string out;
  ASSERT_EQ(test::run(fmt::format("{} {} {}", test::python(), script.string(), in.string()), &out), 0) << out;
  std::istringstream lines(out);
  for (const auto& [t, p] : cases) {
    double ari, nmi, prec, rec, bp, br;
    lines >> ari >> nmi >> prec >> rec >> bp >> br;
    ASSERT_TRUE(lines) << out;
    EXPECT_NEAR(scores::adjusted_rand_index(t, p), ari, 1e-12);
    EXPECT_NEAR(scores::normalized_mutual_info(t, p), nmi, 1e-12);
    auto pw = scores::pairwise(t, p);
    EXPECT_NEAR(pw.precision, prec, 1e-12);
    EXPECT_NEAR(pw.recall, rec, 1e-12);
    auto b3 = scores::bcubed(t, p);
    EXPECT_NEAR(b3.precision, bp, 1e-12);
    EXPECT_NEAR(b3.recall, br, 1e-12);
  }
}

TEST(Metrics, NoiseBecomesSingletonsAndCounts) {
  std::vector<int> labels{0, -1, 0, -1, 2};
  EXPECT_EQ(scores::noise_as_singletons(labels), (std::vector<int>{0, 3, 0, 4, 2}));
  EXPECT_EQ(scores::cluster_count(labels), 2u);
  EXPECT_DOUBLE_EQ(scores::noise_fraction(labels), 0.4);
}

}  // namespace
}  // namespace castnet
