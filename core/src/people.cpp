#include "castnet/core/people.hpp"

#include <algorithm>
#include <set>

#include <cblas.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/sdk/metric.hpp"
#include "constraint_detail.hpp"

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

// The most common of `votes`; empty when nothing wins outright. `tie` says a draw.
std::string winner(const std::map<std::string, std::size_t>& votes, std::size_t need, bool& tie) {
  std::string best;
  std::size_t top = 0, second = 0;
  for (const auto& [name, n] : votes) {
    if (n > top) second = top, top = n, best = name;
    else if (n > second) second = n;
  }
  tie = top > 0 && top == second;
  return top >= need && top > second ? best : std::string();
}

std::string list_votes(const std::map<std::string, std::size_t>& votes) {
  std::string s;
  for (const auto& [name, n] : votes) s += fmt::format("{}\"{}\" ({})", s.empty() ? "" : ", ", name, n);
  return s;
}

// Each face's nearest gallery identity within the distance; empty where none is. For the
// euclidean metric a double GEMM (OpenBLAS) first rules out the gallery faces that are surely
// beyond the distance (|a|^2 + |b|^2 - 2 a.b, with room for its rounding), and the exact distance
// decides among the rest, as the plain loop does: a year of faces (775,000) against a thousand
// gallery faces in seconds instead of a minute (tests/bench/bench_people).
std::vector<std::string> nearest_identities(const PeopleInput& in) {
  const EmbeddingSet& x = *in.embeddings;
  const std::size_t n = x.size(), m = in.gallery.size(), dim = x.dim;
  std::vector<std::string> out(n);
  std::vector<double> g, gn(m, 0.0);
  for (const GalleryFace& face : in.gallery) {
    if (face.vec.size() != dim) return out;  // another embedder's: cannot be compared
    g.insert(g.end(), face.vec.begin(), face.vec.end());
  }
  for (std::size_t k = 0; k < m; ++k)
    for (std::size_t d = 0; d < dim; ++d) gn[k] += g[k * dim + d] * g[k * dim + d];
  const double reach = in.gallery_distance * in.gallery_distance;
  constexpr std::size_t kBlock = 1024;
  std::vector<double> dot(x.metric == Metric::euclidean ? kBlock * m : 0);
  for (std::size_t b0 = 0; b0 < n; b0 += kBlock) {
    const std::size_t nb = std::min(kBlock, n - b0);
    if (!dot.empty())
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(nb), int(m), int(dim), 1.0, x.row(b0), int(dim), g.data(), int(dim), 0.0,
                  dot.data(), int(m));
    for (std::size_t r = 0; r < nb; ++r) {
      const std::size_t i = b0 + r;
      double xn = 0;
      for (std::size_t d = 0; d < dim && !dot.empty(); ++d) xn += x.row(i)[d] * x.row(i)[d];
      double best = in.gallery_distance;
      for (std::size_t k = 0; k < m; ++k) {
        if (!dot.empty()) {
          const double err = (double(dim) + 16.0) * 0x1p-50 * (xn + gn[k]) + 1e-12;
          if (xn + gn[k] - 2.0 * dot[r * m + k] - err > reach) continue;  // surely beyond the distance
        }
        const double d = distance(x.row(i), g.data() + k * dim, dim, x.metric);
        if (d <= best) best = d, out[i] = in.gallery[k].identity;
      }
    }
  }
  return out;
}

void name_people(const PeopleInput& in, const std::vector<std::string>& given, const std::vector<int>& labels, People& out) {
  std::map<int, std::map<std::string, std::size_t>> named, matched;
  std::map<int, std::size_t> size;
  const std::vector<std::string> nearest = in.gallery.empty() ? std::vector<std::string>(labels.size()) : nearest_identities(in);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;
    ++size[labels[i]];
    if (!given[i].empty()) ++named[labels[i]][given[i]];
    if (!nearest[i].empty()) ++matched[labels[i]][nearest[i]];
  }
  for (const auto& [person, n] : size) {
    bool tie = false;
    std::string name = named.count(person) ? winner(named[person], 1, tie) : std::string();
    if (tie)
      out.notes.push_back(fmt::format("Person {} is left unnamed: its faces were named {}.", person, list_votes(named[person])));
    if (name.empty() && !tie && matched.count(person)) {
      name = winner(matched[person], n / 2 + 1, tie);
      if (name.empty() && matched[person].size() > 1)
        out.notes.push_back(fmt::format("Person {} is left unnamed: its {} faces match the gallery's {}.", person, n, list_votes(matched[person])));
    }
    if (!name.empty()) out.names[person] = name;
  }
  std::map<std::string, std::vector<int>> by_name;
  for (const auto& [person, name] : out.names) by_name[name].push_back(person);
  for (const auto& [name, people] : by_name)
    if (people.size() > 1)
      out.notes.push_back(fmt::format("People {} are all named \"{}\"; `castnet people merge {}` makes them one.",
                                      fmt::join(people, ", "), name, fmt::join(people, " ")));
}

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
  name_people(in, given, labels, out);
  return out;
}

}  // namespace castnet
