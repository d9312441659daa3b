#include "castnet/core/people.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "castnet/sdk/metric.hpp"
#include "constraint_detail.hpp"
#include "people_names.hpp"

namespace castnet {

namespace {

class Replay {
 public:
  Replay(const PeopleInput& in, std::vector<int>& labels) : x_(*in.embeddings), labels_(labels) {
    for (std::size_t i = 0; i < in.face_ids->size(); ++i) at_[(*in.face_ids)[i]] = i;
    for (int l : labels) next_ = std::max(next_, l + 1);
  }

  // The positions of the faces this clustering holds; says in `notes` which it does not.
  std::vector<std::size_t> present(const Correction& c, const std::vector<std::int64_t>& faces, std::vector<std::string>& notes) const {
    std::vector<std::size_t> out;
    for (std::int64_t f : faces)
      if (auto it = at_.find(f); it != at_.end()) out.push_back(it->second);
    if (out.size() < faces.size())
      notes.push_back(fmt::format("Correction {} ({}) is about {} face(s) the latest clustering does not hold (another detector's, or "
                                  "removed); it applies to the other {}.", c.id, c.kind, faces.size() - out.size(), out.size()));
    return out;
  }

  void merge(const std::vector<std::size_t>& faces) {
    std::set<int> people;
    for (std::size_t f : faces)
      if (labels_[f] >= 0) people.insert(labels_[f]);
    const int into = people.empty() ? next_++ : *people.begin();
    for (int& l : labels_)
      if (people.count(l)) l = into;
    for (std::size_t f : faces) labels_[f] = into;
  }

  // The split faces become a new person. Where a person holds split faces and faces left behind,
  // each of its other faces goes with the side whose centre (of that person's faces) is nearer.
  void split(const std::vector<std::size_t>& moved, const std::vector<std::size_t>& stayed) {
    if (moved.empty()) return;
    const int into = next_++;
    std::set<std::size_t> is_moved(moved.begin(), moved.end()), is_stayed(stayed.begin(), stayed.end());
    std::set<int> people;
    for (std::size_t f : moved)
      if (labels_[f] >= 0) people.insert(labels_[f]);
    for (int p : people) {
      std::vector<std::size_t> members, here_moved, here_stayed;
      for (std::size_t i = 0; i < labels_.size(); ++i) {
        if (labels_[i] != p) continue;
        members.push_back(i);
        if (is_moved.count(i)) here_moved.push_back(i);
        else if (is_stayed.count(i)) here_stayed.push_back(i);
      }
      if (here_stayed.empty()) {
        for (std::size_t i : members) labels_[i] = into;
        continue;
      }
      const auto to_moved = constraint_detail::centroid_of(x_, here_moved), to_stayed = constraint_detail::centroid_of(x_, here_stayed);
      for (std::size_t i : members) {
        if (is_stayed.count(i)) continue;
        if (is_moved.count(i) || distance(x_.row(i), to_moved.data(), x_.dim, x_.metric) < distance(x_.row(i), to_stayed.data(), x_.dim, x_.metric))
          labels_[i] = into;
      }
    }
    for (std::size_t f : moved) labels_[f] = into;
  }

  // The face leaves a person that holds any of `theirs`.
  void refuse(const std::vector<std::size_t>& faces, const std::vector<std::size_t>& theirs) {
    for (std::size_t f : faces) {
      const int l = labels_[f];
      if (l >= 0 && std::any_of(theirs.begin(), theirs.end(), [&](std::size_t t) { return t != f && labels_[t] == l; })) labels_[f] = -1;
    }
  }

 private:
  const EmbeddingSet& x_;
  std::vector<int>& labels_;
  std::map<std::int64_t, std::size_t> at_;
  int next_ = 0;
};

}  // namespace

People apply_people(const PeopleInput& in, std::vector<int>& labels) {
  People out;
  Replay replay(in, labels);
  std::vector<std::string> given(labels.size());  // the latest name each face was given
  for (const Correction& c : in.corrections) {
    if (c.undone) continue;
    auto faces = replay.present(c, c.faces, out.notes);
    if (c.kind == "merge") replay.merge(faces);
    else if (c.kind == "split") replay.split(faces, replay.present(c, c.others, out.notes));
    else if (c.kind == "not") replay.refuse(faces, replay.present(c, c.others, out.notes));
    else if (c.kind == "name")
      for (std::size_t f : faces) given[f] = c.name;
  }
  detail::name_people(in, given, labels, out);
  return out;
}

}  // namespace castnet
