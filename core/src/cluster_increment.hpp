// Incremental clustering (issue 29): the faces extracted since the store's latest clustering are
// given people without touching a face clustered before. Private to core; cluster.cpp decides
// when it applies (the same stages and keys, the join on) and docs/clustering-a-year.md why.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "castnet/core/constraints.hpp"
#include "castnet/sdk/stages.hpp"

namespace castnet {

struct IncrementSummary {
  std::size_t new_faces = 0;
  std::size_t joined = 0;         // new faces that joined a person clustered before
  std::size_t new_people = 0;     // people made of new faces only
  std::size_t look_alike = 0;     // groups of new faces within the join's reach of two or more people
  ConstraintSummary constraints;  // what the constraints did among the new faces
};

// The clusterer's labels for x, one per face, or Error(plugin) naming the clusterer. An empty x
// is not handed to it.
Clustering cluster_checked(Clusterer& clusterer, const std::string& name, const EmbeddingSet& x);

// x, where and labels cover every face; is_new marks the faces to place (labels -1 there on
// entry). The new faces are grouped among themselves (the clusterer, then tracks and the frame
// rule); then, nearest first, each group joins the person clustered before whose faces are on
// average within the constraints' merge_distance of its own (the join's rule), unless the two
// share a frame; the other groups are joined among themselves by the same rule and become
// people numbered from first_free (updated).
IncrementSummary place_new_faces(const EmbeddingSet& x, const std::vector<FacePlace>& where, const std::vector<char>& is_new,
                                 Clusterer& clusterer, const std::string& clusterer_name, const ConstraintOptions& constraints,
                                 std::vector<int>& labels,
                                 int& first_free);

}  // namespace castnet
