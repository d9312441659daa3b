// What the people's names and corrections cost each time a network is read (load_people replays
// them): calibrated synthetic faces (a year is 775,000), each identity a person, a gallery of two
// faces for each of 500 identities, and 300 corrections (merges, splits, nots and names).
// Prints the median of RUNS runs of apply_people per n.
//   build/tests/bench/bench_people [RUNS] [N...]        (default: 5, 20000 100000 775000)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <fmt/format.h>

#include "castnet/core/people.hpp"
#include "castnet/eval/synthetic_faces.hpp"

using namespace castnet;

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// 300 corrections about the faces of random identities, as `castnet people` would store them.
std::vector<Correction> corrections_for(const SyntheticFaces& f, const std::vector<std::int64_t>& ids, std::mt19937_64& rng) {
  std::map<int, std::vector<std::int64_t>> faces_of;
  for (std::size_t i = 0; i < ids.size(); ++i) faces_of[f.identity[i]].push_back(ids[i]);
  const int people = int(faces_of.size());
  auto some = [&] { return faces_of.at(int(rng() % std::uint64_t(people))); };
  std::vector<Correction> out;
  for (int k = 0; k < 300; ++k) {
    Correction c{k + 1, "", "", {}, {}, false, ""};
    const auto a = some(), b = some();
    switch (k % 4) {
      case 0: c.kind = "merge", c.faces = a, c.faces.insert(c.faces.end(), b.begin(), b.end()); break;
      case 1: c.kind = "split", c.faces.assign(a.begin(), a.begin() + long(a.size() / 2)), c.others.assign(a.begin() + long(a.size() / 2), a.end()); break;
      case 2: c.kind = "not", c.faces = {a.front()}, c.others.assign(a.begin() + 1, a.end()); break;
      default: c.kind = "name", c.name = fmt::format("Person {}", k), c.faces = a;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::vector<std::size_t> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::size_t(std::atoll(argv[i])));
  if (sizes.empty()) sizes = {20000, 100000, 775000};
  fmt::print("{:>9}  {:>8}  {:>16}  {:>16}\n", "faces", "people", "corrections (s)", "+ gallery (s)");
  for (std::size_t n : sizes) {
    SyntheticFaces f = synthetic_faces(n, 7);
    std::vector<std::int64_t> ids(n);
    for (std::size_t i = 0; i < n; ++i) ids[i] = std::int64_t(i + 1);
    std::mt19937_64 rng(3);
    PeopleInput in{&ids, &f.x, corrections_for(f, ids, rng), {}, kGalleryDistance};
    std::vector<GalleryFace> gallery;
    std::map<int, int> taken;
    for (std::size_t i = 0; i < n && taken.size() <= 500; ++i)
      if (taken[f.identity[i]]++ < 2) gallery.push_back({fmt::format("id{}", f.identity[i]), "", {f.x.row(i), f.x.row(i) + f.x.dim}});
    std::vector<double> plain, named;
    for (int r = 0; r < runs; ++r)
      for (auto* times : {&plain, &named}) {
        in.gallery = times == &named ? gallery : std::vector<GalleryFace>{};
        std::vector<int> labels = f.identity;
        auto t = std::chrono::steady_clock::now();
        People p = apply_people(in, labels);
        times->push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count());
        if (p.names.empty()) std::abort();  // the names must come out, or nothing was measured
      }
    std::set<int> people(f.identity.begin(), f.identity.end());
    fmt::print("{:>9}  {:>8}  {:>16.3f}  {:>16.3f}\n", n, people.size(), median(plain), median(named));
  }
}
