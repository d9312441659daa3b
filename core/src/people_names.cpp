#include "people_names.hpp"

#include <algorithm>
#include <map>
#include <set>

#include <cblas.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/sdk/metric.hpp"
#include "constraint_detail.hpp"

namespace castnet::detail {

namespace {

// A face's nearest gallery identity, within the gallery distance (empty identity: none is).
struct Match {
  std::string identity;
  double distance = 0;
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

// Each face's nearest gallery identity within the distance. For the euclidean metric a double
// GEMM (OpenBLAS) first rules out the gallery faces that are surely beyond the distance
// (|a|^2 + |b|^2 - 2 a.b, with room for its rounding), and the exact distance decides among the
// rest, as the plain loop does: a year of faces (775,000) against a thousand gallery faces in
// seconds instead of a minute (tests/bench/bench_people).
std::vector<Match> nearest_identities(const PeopleInput& in) {
  const EmbeddingSet& x = *in.embeddings;
  const std::size_t n = x.size(), m = in.gallery.size(), dim = x.dim;
  std::vector<Match> out(n);
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
        if (d <= best) best = d, out[i] = {in.gallery[k].identity, d};
      }
    }
  }
  return out;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// What the gallery says of one person: the identity most of its faces are nearest to, and the
// median distance of those faces to it.
struct Claim {
  std::string identity;
  double median = 0;
};

// Two people the clusterer's own join would have made one: on average closer than its distance
// (average linkage, as constraint_detail::merge_near_clusters measures it) and, where it keeps
// the faces of one frame apart, never in one frame. Only for them is a merge suggested.
class Joinable {
 public:
  Joinable(const PeopleInput& in, const std::vector<int>& labels) : in_(in), labels_(labels) {}
  bool operator()(int a, int b) const {
    if (in_.join_distance <= 0 || in_.frames.size() != labels_.size()) return false;
    std::vector<std::size_t> fa, fb;
    for (std::size_t i = 0; i < labels_.size(); ++i) {
      if (labels_[i] == a) fa.push_back(i);
      if (labels_[i] == b) fb.push_back(i);
    }
    if (fa.empty() || fb.empty() || constraint_detail::average_link(*in_.embeddings, fa, fb).mean() >= in_.join_distance) return false;
    if (!in_.join_cannot_link) return true;
    std::set<std::int64_t> frames_a;
    for (std::size_t i : fa) frames_a.insert(in_.frames[i]);
    return std::none_of(fb.begin(), fb.end(), [&](std::size_t i) { return frames_a.count(in_.frames[i]) > 0; });
  }

 private:
  const PeopleInput& in_;
  const std::vector<int>& labels_;
};

// The gallery's claims on the people users did not name: a majority of the person's faces nearest
// to one identity (within the gallery distance), as near as the name distance on median. What
// falls short of that is said.
std::map<int, Claim> gallery_claims(const PeopleInput& in, const std::vector<int>& labels, const std::map<int, std::size_t>& size,
                                    const std::map<int, std::string>& named, std::vector<std::string>& notes) {
  std::map<int, Claim> claims;
  if (in.gallery.empty()) return claims;
  const std::vector<Match> nearest = nearest_identities(in);
  std::map<int, std::map<std::string, std::size_t>> votes;
  std::map<int, std::map<std::string, std::vector<double>>> distances;
  for (std::size_t i = 0; i < labels.size(); ++i)
    if (labels[i] >= 0 && !named.count(labels[i]) && !nearest[i].identity.empty()) {
      ++votes[labels[i]][nearest[i].identity];
      distances[labels[i]][nearest[i].identity].push_back(nearest[i].distance);
    }
  for (auto& [person, v] : votes) {
    bool tie = false;
    const std::size_t n = size.at(person);
    const std::string identity = winner(v, n / 2 + 1, tie);
    if (identity.empty()) {
      if (v.size() > 1)
        notes.push_back(fmt::format("Person {} is left unnamed: its {} faces match the gallery's {}.", person, n, list_votes(v)));
      continue;
    }
    const double m = median(distances[person][identity]);
    if (m > in.name_distance)
      notes.push_back(fmt::format("Person {} looks like {}, not named: its faces are {:.2f} from {}'s photos on median, and a name "
                                  "needs {:.2f} or less.", person, identity, m, identity, in.name_distance));
    else
      claims[person] = {identity, m};
  }
  return claims;
}

}  // namespace

void name_people(const PeopleInput& in, const std::vector<std::string>& given, const std::vector<int>& labels, People& out) {
  std::map<int, std::map<std::string, std::size_t>> named;
  std::map<int, std::size_t> size;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (labels[i] < 0) continue;
    ++size[labels[i]];
    if (!given[i].empty()) ++named[labels[i]][given[i]];
  }
  for (auto& [person, votes] : named) {
    bool tie = false;
    std::string name = winner(votes, 1, tie);
    if (tie) out.notes.push_back(fmt::format("Person {} is left unnamed: its faces were named {}.", person, list_votes(votes)));
    out.names[person] = name;  // a tie is left unnamed, and not to the gallery either
  }
  // A name is one person's. Where the gallery claims one identity for two people, the clustering
  // kept them apart: the nearer keeps the name (a user's name always does).
  std::map<std::string, int> holder;
  for (const auto& [person, name] : out.names)
    if (!name.empty() && !holder.count(name)) holder[name] = person;
  const std::map<int, Claim> claims = gallery_claims(in, labels, size, out.names, out.notes);
  std::vector<std::pair<int, Claim>> by_clarity(claims.begin(), claims.end());
  std::stable_sort(by_clarity.begin(), by_clarity.end(), [](const auto& a, const auto& b) { return a.second.median < b.second.median; });
  const Joinable joinable(in, labels);
  for (const auto& [person, claim] : by_clarity) {
    auto [it, fresh] = holder.emplace(claim.identity, person);
    if (fresh) {
      out.names[person] = claim.identity;
      continue;
    }
    const int other = it->second;
    out.notes.push_back(fmt::format("Person {} looks like {}, not named: person {} is {}{}.", person, claim.identity, other, claim.identity,
                                    joinable(person, other) ? fmt::format("; `castnet people merge {} {}` makes them one", other, person)
                                                            : std::string(", and the clustering keeps the two apart")));
  }
  for (auto it = out.names.begin(); it != out.names.end();) it = it->second.empty() ? out.names.erase(it) : std::next(it);
  std::map<std::string, std::vector<int>> by_name;
  for (const auto& [person, name] : out.names) by_name[name].push_back(person);
  for (const auto& [name, people] : by_name)
    if (people.size() > 1)  // named so by users
      out.notes.push_back(fmt::format("People {} are all named \"{}\"; `castnet people merge {}` makes them one.", fmt::join(people, ", "),
                                      name, fmt::join(people, " ")));
}

}  // namespace castnet::detail
