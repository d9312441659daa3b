// HDBSCAN* as the hdbscan library (scikit-learn-contrib, 0.8.x) computes it with
// algorithm="generic": core distances, Prim's MST of mutual reachability, the single-linkage
// tree, the condensed tree, stabilities, EOM or leaf selection with cluster_selection_epsilon,
// labels, probabilities and GLOSH outlier scores. Each function mirrors one of the library's
// (_hdbscan_linkage.pyx, _hdbscan_tree.pyx), in its order of operations, so that partitions
// and probabilities match it. Past the sizes the library can run, the MST comes from Boruvka's
// on the neighbour engine instead (single_linkage).
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
  std::string mst = "auto";     // prim (the library's order), boruvka (the engine's), auto
};

// Up to this many points "auto" builds the tree by Prim's, in the library's order (its exact
// algorithm holds an n x n matrix: 3.2 GB here); above, by Boruvka's on the neighbour engine.
inline constexpr std::size_t kPrimUpTo = 20000;

struct Result {
  std::vector<int> labels;
  std::vector<double> probabilities;
  std::vector<double> outlier_scores;
};

// The single-linkage tree of mutual reachability, from its minimum spanning tree: by Prim's
// algorithm as the library's mst_linkage_core (n^2 distances, O(n) memory), or by Boruvka's on
// the neighbour engine (NeighborIndex::spanning_forest). Both trees weigh the same; they differ only
// in which of equally heavy edges they take, and so, rarely, in the condensed tree.
std::vector<LinkageRow> single_linkage(const EmbeddingSet& x, std::size_t min_samples, const std::string& mst, int threads);
std::vector<CondensedRow> condense_tree(const std::vector<LinkageRow>& hierarchy, std::size_t min_cluster_size);
Result select_clusters(const std::vector<CondensedRow>& tree, std::size_t n_points, const Options& opt);

Result run(const EmbeddingSet& x, const Options& opt, int threads);

}  // namespace castnet::hdbscan
