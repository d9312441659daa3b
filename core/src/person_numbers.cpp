#include "castnet/core/person_numbers.hpp"

#include <map>
#include <utility>

namespace castnet {

int keep_person_numbers(const std::vector<int>& previous, std::vector<int>& labels, int first_free) {
  std::map<int, std::size_t> previous_size;
  std::map<std::pair<int, int>, std::size_t> shared;  // (new cluster, previous person) -> faces
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (previous[i] < 0) continue;
    ++previous_size[previous[i]];
    if (labels[i] >= 0) ++shared[{labels[i], previous[i]}];
  }
  // Two clusters cannot each hold most of one person's faces, so no number is given twice.
  std::map<int, std::pair<std::size_t, int>> heir;  // new cluster -> (faces held, previous person)
  for (const auto& [pair, n] : shared) {
    auto [cluster, person] = pair;
    if (2 * n <= previous_size[person]) continue;
    auto it = heir.find(cluster);
    if (it == heir.end() || n > it->second.first) heir[cluster] = {n, person};  // ties: the lower number, met first
  }
  std::map<int, int> number;
  for (const auto& [cluster, held] : heir) number[cluster] = held.second;
  for (int l : labels)
    if (l >= 0 && !number.count(l)) number[l] = first_free++;  // in order of first face
  for (int& l : labels)
    if (l >= 0) l = number[l];
  return first_free;
}

}  // namespace castnet
