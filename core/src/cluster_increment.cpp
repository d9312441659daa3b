#include "cluster_increment.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"
#include "constraint_detail.hpp"

namespace castnet {

using namespace constraint_detail;

namespace {

EmbeddingSet rows_of(const EmbeddingSet& x, const std::vector<std::size_t>& which) {
  EmbeddingSet out{x.dim, x.metric, {}};
  out.data.reserve(which.size() * x.dim);
  for (std::size_t i : which) out.data.insert(out.data.end(), x.row(i), x.row(i) + x.dim);
  return out;
}

std::set<std::int64_t> frames_of(const std::vector<FacePlace>& where, const std::vector<std::size_t>& faces) {
  std::set<std::int64_t> frames;
  for (std::size_t f : faces) frames.insert(where[f].frame);
  return frames;
}

// The new faces' groups: the clusterer and the constraints on them alone. Faces by index into x.
std::map<int, std::vector<std::size_t>> group_new_faces(const EmbeddingSet& x, const std::vector<FacePlace>& where,
                                                        const std::vector<std::size_t>& fresh, Clusterer& clusterer,
                                                        const std::string& name, const ConstraintOptions& constraints,
                                                        IncrementSummary& s) {
  EmbeddingSet xn = rows_of(x, fresh);
  std::vector<FacePlace> wn;
  for (std::size_t i : fresh) wn.push_back(where[i]);
  Clustering c = cluster_checked(clusterer, name, xn);
  // Tracks and the frame rule, but not the join: a group joined among new faces alone, on a few
  // faces' evidence, would take its minority to the majority's person.
  ConstraintOptions no_join = constraints;
  no_join.merge_distance = 0;
  if (no_join.any()) s.constraints = apply_constraints(wn, xn, c.labels, no_join);
  std::map<int, std::vector<std::size_t>> groups;
  for (std::size_t k = 0; k < fresh.size(); ++k)
    if (c.labels[k] >= 0) groups[c.labels[k]].push_back(fresh[k]);
  return groups;
}

// The groups no person took: joined among themselves by the join's rule, each then a new person.
void make_new_people(const EmbeddingSet& x, const std::vector<FacePlace>& where, const std::map<int, std::vector<std::size_t>>& groups,
                     const std::set<int>& placed, const ConstraintOptions& constraints, std::vector<int>& labels, int& first_free,
                     IncrementSummary& s) {
  std::vector<std::size_t> left;
  std::vector<int> left_labels;
  for (const auto& [g, faces] : groups)
    if (!placed.count(g))
      for (std::size_t f : faces) left.push_back(f), left_labels.push_back(g);
  std::vector<FacePlace> left_where;
  for (std::size_t f : left) left_where.push_back(where[f]);
  s.constraints.merged_clusters +=
      merge_near_clusters(left_where, rows_of(x, left), left_labels, constraints.merge_distance, constraints.cannot_link,
                          constraints.threads);
  std::map<int, int> number;
  for (std::size_t k = 0; k < left.size(); ++k) {
    auto [it, added] = number.try_emplace(left_labels[k], first_free);
    if (added) ++first_free, ++s.new_people;
    labels[left[k]] = it->second;
  }
}

}  // namespace

Clustering cluster_checked(Clusterer& clusterer, const std::string& name, const EmbeddingSet& x) {
  Clustering c = x.size() == 0 ? Clustering{} : clusterer.cluster(x);
  if (c.labels.size() != x.size())
    throw Error(ExitCode::plugin, fmt::format("The clusterer '{}' returned {} labels for {} faces.", name, c.labels.size(), x.size()));
  return c;
}

IncrementSummary place_new_faces(const EmbeddingSet& x, const std::vector<FacePlace>& where, const std::vector<char>& is_new,
                                 Clusterer& clusterer, const std::string& clusterer_name, const ConstraintOptions& constraints,
                                 std::vector<int>& labels, int& first_free) {
  IncrementSummary s;
  std::vector<std::size_t> fresh;
  for (std::size_t i = 0; i < is_new.size(); ++i)
    if (is_new[i]) fresh.push_back(i);
  s.new_faces = fresh.size();
  if (fresh.empty()) return s;
  auto groups = group_new_faces(x, where, fresh, clusterer, clusterer_name, constraints, s);

  // The people clustered before (the new faces' labels are still -1), and their centres.
  auto people = faces_by_label(labels);
  std::vector<int> person_label;
  std::vector<std::vector<double>> centres;
  for (const auto& [label, faces] : people) person_label.push_back(label), centres.push_back(centroid_of(x, faces));

  // Every link of a group to a person within the radius. The centres' distance never exceeds the
  // average distance (the join's bound, cluster_join.cpp), so only people whose centre is within
  // the radius are measured.
  const double radius = constraints.merge_distance;
  std::vector<std::tuple<double, int, std::size_t>> links;  // mean distance, group, person
  for (const auto& [g, faces] : groups) {
    auto centre = centroid_of(x, faces);
    std::size_t reach = 0;
    for (std::size_t p = 0; p < centres.size(); ++p) {
      if (distance(centre.data(), centres[p].data(), x.dim, x.metric) > radius) continue;
      Link l = average_link(x, faces, people[person_label[p]]);
      if (l.mean() < radius) links.emplace_back(l.mean(), g, p), ++reach;
    }
    s.look_alike += reach >= 2;
  }
  std::sort(links.begin(), links.end());

  // Nearest first, each group once, never into a person it shares a frame with.
  std::set<int> placed;
  std::map<std::size_t, std::set<std::int64_t>> frames_taken;  // by person, made when first needed
  for (const auto& [mean, g, p] : links) {
    if (placed.count(g)) continue;
    auto [taken, added] = frames_taken.try_emplace(p);
    if (added) taken->second = frames_of(where, people[person_label[p]]);
    auto mine = frames_of(where, groups[g]);
    if (constraints.cannot_link && share_a_frame(taken->second, mine)) continue;
    taken->second.insert(mine.begin(), mine.end());
    for (std::size_t f : groups[g]) labels[f] = person_label[p];
    placed.insert(g);
    s.joined += groups[g].size();
  }
  make_new_people(x, where, groups, placed, constraints, labels, first_free, s);
  return s;
}

}  // namespace castnet
