// HDBSCAN* as the hdbscan library (scikit-learn-contrib, 0.8.x) computes it with
// algorithm="generic": core distances, Prim's MST of mutual reachability, the single-linkage
// tree, the condensed tree, stabilities, EOM or leaf selection with cluster_selection_epsilon,
// labels, probabilities and GLOSH outlier scores. Each function mirrors one of the library's
// (_hdbscan_linkage.pyx, _hdbscan_tree.pyx), in its order of operations, so that partitions
// and probabilities match it.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "castnet/sdk/embeddings.hpp"

namespace castnet::hdbscan {

struct LinkageRow {  // one merge of the single-linkage tree
  std::size_t left, right;
  double distance;
  std::size_t size;
};

struct CondensedRow {
  std::size_t parent, child;
  double lambda;
  std::size_t child_size;
};

struct Options {
  std::size_t min_cluster_size = 5;
  std::size_t min_samples = 5;  // the library's default is min_cluster_size
  std::string method = "eom";   // or "leaf"
  double epsilon = 0.0;         // cluster_selection_epsilon
  bool allow_single_cluster = false;
};

struct Result {
  std::vector<int> labels;
  std::vector<double> probabilities;
  std::vector<double> outlier_scores;
};

// Mutual-reachability MST by Prim's algorithm (Müllner's MST-linkage-core, as mst_linkage_core),
// computing distances as it goes: O(n^2) time, O(n) memory, no distance matrix.
std::vector<LinkageRow> single_linkage(const EmbeddingSet& x, std::size_t min_samples, int threads);
std::vector<CondensedRow> condense_tree(const std::vector<LinkageRow>& hierarchy, std::size_t min_cluster_size);
Result select_clusters(const std::vector<CondensedRow>& tree, std::size_t n_points, const Options& opt);

Result run(const EmbeddingSet& x, const Options& opt, int threads);

}  // namespace castnet::hdbscan
