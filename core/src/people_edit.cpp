// The corrections `castnet people` makes, from the people as the user sees them now.
#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "castnet/core/connect.hpp"
#include "castnet/core/people.hpp"
#include "castnet/core/text.hpp"
#include "castnet/sdk/errors.hpp"
#include "constraint_detail.hpp"

namespace castnet {

namespace {

std::vector<std::size_t> faces_of(const Network& net, int person) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < net.labels.size(); ++i)
    if (net.labels[i] == person) out.push_back(i);
  if (person < 0 || out.empty())
    throw Error(ExitCode::usage, fmt::format("There is no person {} in the latest clustering; `castnet people` lists them.", person));
  return out;
}

std::vector<std::int64_t> ids_of(const Network& net, const std::vector<std::size_t>& at) {
  std::vector<std::int64_t> ids;
  for (std::size_t i : at) ids.push_back(net.faces[i].id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// Two parts by 2-means (Lloyd's iterations), seeded by the face farthest from the first and the
// face farthest from that one; returns the part without the person's first face. Centres are
// those of the constraints (a hash's centre is the majority bit), so Hamming distances hold.
std::vector<std::size_t> two_means(const EmbeddingSet& x, const std::vector<std::size_t>& faces) {
  auto farthest = [&](std::size_t from) {
    return *std::max_element(faces.begin(), faces.end(), [&](auto a, auto b) { return x.distance(from, a) < x.distance(from, b); });
  };
  const std::size_t b = farthest(faces.front()), a = farthest(b);
  std::vector<double> ca(x.row(a), x.row(a) + x.dim), cb(x.row(b), x.row(b) + x.dim);
  std::vector<std::size_t> part_a, part_b;
  for (int round = 0; round < 20; ++round) {
    std::vector<std::size_t> next_a, next_b;
    for (std::size_t f : faces)
      (distance(x.row(f), cb.data(), x.dim, x.metric) < distance(x.row(f), ca.data(), x.dim, x.metric) ? next_b : next_a).push_back(f);
    if (next_a == part_a || next_a.empty() || next_b.empty()) break;
    part_a = std::move(next_a), part_b = std::move(next_b);
    ca = constraint_detail::centroid_of(x, part_a), cb = constraint_detail::centroid_of(x, part_b);
  }
  if (part_a.empty() || part_b.empty()) return {};
  const bool first_in_a = std::find(part_a.begin(), part_a.end(), faces.front()) != part_a.end();
  return first_in_a ? part_b : part_a;
}

}  // namespace

Correction name_person(const Network& net, int person, const std::string& name) {
  if (std::string why = name_problem(name); !why.empty())
    throw Error(ExitCode::usage, fmt::format("The name \"{}\" cannot be given: {}.", terminal_text(name), why));
  return {0, "name", name, ids_of(net, faces_of(net, person)), {}, false, ""};
}

Correction merge_people(const Network& net, const std::vector<int>& people) {
  std::set<int> distinct(people.begin(), people.end());
  if (distinct.size() < 2) throw Error(ExitCode::usage, "Merging needs two or more different people.");
  std::vector<std::size_t> all;
  for (int p : distinct) {
    auto f = faces_of(net, p);
    all.insert(all.end(), f.begin(), f.end());
  }
  return {0, "merge", "", ids_of(net, all), {}, false, ""};
}

Correction split_person(const Network& net, int person, const std::vector<std::int64_t>& faces) {
  auto all = faces_of(net, person);
  std::vector<std::size_t> leaving;
  if (faces.empty()) {
    if (all.size() < 2) throw Error(ExitCode::usage, fmt::format("Person {} has one face; there is nothing to split.", person));
    leaving = two_means(net.embeddings, all);
  } else {
    std::set<std::int64_t> wanted(faces.begin(), faces.end());
    for (std::size_t i : all)
      if (wanted.erase(net.faces[i].id)) leaving.push_back(i);
    if (!wanted.empty())
      throw Error(ExitCode::usage, fmt::format("Face {} is not one of person {}'s faces; `castnet people faces {}` lists them.",
                                               *wanted.begin(), person, person));
  }
  if (leaving.empty() || leaving.size() == all.size())
    throw Error(ExitCode::usage, fmt::format("Splitting person {} needs some of its faces to leave and some to stay.", person));
  std::vector<std::size_t> staying;
  std::set_difference(all.begin(), all.end(), leaving.begin(), leaving.end(), std::back_inserter(staying));
  return {0, "split", "", ids_of(net, leaving), ids_of(net, staying), false, ""};
}

Correction face_is_not(const Network& net, std::int64_t face, int person) {
  auto theirs = faces_of(net, person);
  auto it = std::find_if(theirs.begin(), theirs.end(), [&](std::size_t i) { return net.faces[i].id == face; });
  if (it == theirs.end()) throw Error(ExitCode::usage, fmt::format("Face {} is not one of person {}'s faces; `castnet people faces {}` lists them.",
                                                                     face, person, person));
  theirs.erase(it);
  return {0, "not", "", {face}, ids_of(net, theirs), false, ""};
}

std::string describe(const Correction& c) {
  if (c.kind == "name") return fmt::format("name \"{}\" for {} faces", c.name, c.faces.size());
  if (c.kind == "merge") return fmt::format("merge of {} faces into one person", c.faces.size());
  if (c.kind == "split") return fmt::format("split of {} faces from {} others", c.faces.size(), c.others.size());
  return fmt::format("face {} is not the person of {} other faces", c.faces.empty() ? 0 : c.faces.front(), c.others.size());
}

}  // namespace castnet
