// The exact index's partition of the points: a tree of balls whose children come from k-means on
// their parent's points (a hierarchical k-means tree, as FLANN builds one), every ball keeping
// its centroid and radius. Face embeddings are tight identities far apart, so a query at a
// face's radius proves most balls out of reach by the triangle inequality, and the balls left
// are compared block against block with one GEMM each (search_tile.hpp).
//
// Internal to libcastnet_sdk. Everything is float: the tree only prunes and proposes, every
// decision near the radius is remade in double on the input (search_tile.hpp).
#pragma once
#include <cstddef>
#include <vector>

#include "castnet/sdk/embeddings.hpp"

namespace castnet::index {

// The points as rows of a euclidean space where every supported metric is a function of the
// distance: euclidean as is, cosine on unit rows (|u-v|^2 = 2 cosine distance), hamming on 0/1
// rows (|u-v|^2 = the count). Rows are stored in the tree's order.
struct Space {
  std::size_t n = 0, dim = 0;
  std::vector<float> rows;       // n * dim, tree order
  std::vector<float> norms;      // squared norms of rows
  std::vector<std::size_t> original;  // tree position -> input index
  std::vector<std::size_t> position;  // input index -> tree position
  const float* row(std::size_t p) const { return rows.data() + p * dim; }
};

struct Node {
  std::size_t begin = 0, end = 0;              // tree positions
  std::size_t first_child = 0, children = 0;   // children are consecutive nodes; none: a leaf
  float radius = 0;                            // max distance from the centroid to its points
};

struct Tree {
  Space space;
  std::vector<Node> nodes;          // nodes[0] is the root
  std::vector<float> centroids;     // nodes.size() * dim
  std::vector<double> centroid_norms;  // squared norms of the centroids
  std::vector<float> to_centroid;   // per tree position: distance to its leaf's centroid
                                    // (ascending within each leaf)
  std::vector<std::size_t> leaves;  // node ids of the leaves, in tree order
  std::vector<std::size_t> leaf_at;  // per tree position: its leaf's node id
  // Query blocks: consecutive tree positions within one leaf, at most block_size of them.
  std::vector<std::pair<std::size_t, std::size_t>> blocks;
  const float* centroid(std::size_t node) const { return centroids.data() + node * space.dim; }
};

// Whether the metric can be searched this way for these points (cosine needs no zero row,
// hamming only 0/1 components); otherwise the caller falls back to brute force.
bool searchable(const EmbeddingSet& x);

// Squared distance in the tree's space that corresponds to a radius in the metric.
double space_threshold(double radius, Metric m);

Tree build_tree(const EmbeddingSet& x, std::size_t leaf_size, std::size_t branching, std::size_t block_size);

}  // namespace castnet::index
