// Scores of a clustering against known identities, as scikit-learn computes them on the same
// label vectors (labels are compared as given: map noise to singletons first if it should not
// count as one group; noise_as_singletons does that).
#pragma once
#include <cstddef>
#include <vector>

namespace castnet::scores {

struct PairScores {
  double precision = 0, recall = 0, f1 = 0;
};

double adjusted_rand_index(const std::vector<int>& truth, const std::vector<int>& pred);
// Normalised mutual information with the arithmetic mean, sklearn's default.
double normalized_mutual_info(const std::vector<int>& truth, const std::vector<int>& pred);
// Over all pairs of items: precision = pairs together in pred that are together in truth.
PairScores pairwise(const std::vector<int>& truth, const std::vector<int>& pred);
// B-cubed (Bagga & Baldwin): per-item precision and recall, averaged.
PairScores bcubed(const std::vector<int>& truth, const std::vector<int>& pred);

std::size_t cluster_count(const std::vector<int>& labels);   // distinct labels >= 0
double noise_fraction(const std::vector<int>& labels);       // share of -1
// Every -1 becomes a label of its own (above the largest), so noise is never "one person".
std::vector<int> noise_as_singletons(std::vector<int> labels);

}  // namespace castnet::scores
