#include "castnet/eval/clustering_scores.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace castnet::scores {

namespace {

struct Contingency {
  std::map<std::pair<int, int>, double> cell;
  std::map<int, double> rows, cols;
  double n = 0;
};

Contingency contingency(const std::vector<int>& a, const std::vector<int>& b) {
  Contingency c;
  for (std::size_t i = 0; i < a.size(); ++i) {
    c.cell[{a[i], b[i]}] += 1;
    c.rows[a[i]] += 1;
    c.cols[b[i]] += 1;
  }
  c.n = double(a.size());
  return c;
}

double pairs(double k) { return k * (k - 1) / 2; }  // unordered pairs among k items

}  // namespace

double adjusted_rand_index(const std::vector<int>& truth, const std::vector<int>& pred) {
  // sklearn 1.2's form, through the pair confusion matrix (ordered pairs).
  Contingency c = contingency(truth, pred);
  double squares = 0, a2 = 0, b2 = 0;
  for (const auto& [k, v] : c.cell) squares += v * v;
  for (const auto& [k, v] : c.rows) a2 += v * v;
  for (const auto& [k, v] : c.cols) b2 += v * v;
  double tp = squares - c.n, fp = b2 - squares, fn = a2 - squares, tn = c.n * c.n - fp - fn - squares;
  if (fn == 0 && fp == 0) return 1.0;  // full agreement, or no data
  return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn));
}

double normalized_mutual_info(const std::vector<int>& truth, const std::vector<int>& pred) {
  Contingency c = contingency(truth, pred);
  if (c.rows.size() == c.cols.size() && (c.rows.size() <= 1)) return 1.0;
  auto entropy = [&](const std::map<int, double>& m) {
    double h = 0;
    for (const auto& [k, v] : m) h -= v / c.n * std::log(v / c.n);
    return h;
  };
  double mi = 0;
  for (const auto& [k, v] : c.cell) mi += v / c.n * std::log(v * c.n / (c.rows[k.first] * c.cols[k.second]));
  double h = (entropy(c.rows) + entropy(c.cols)) / 2;
  return h > 0 ? std::max(0.0, mi) / h : 0.0;
}

PairScores pairwise(const std::vector<int>& truth, const std::vector<int>& pred) {
  Contingency c = contingency(truth, pred);
  double both = 0, in_pred = 0, in_truth = 0;
  for (const auto& [k, v] : c.cell) both += pairs(v);
  for (const auto& [k, v] : c.cols) in_pred += pairs(v);
  for (const auto& [k, v] : c.rows) in_truth += pairs(v);
  PairScores s;
  s.precision = in_pred > 0 ? both / in_pred : 1.0;
  s.recall = in_truth > 0 ? both / in_truth : 1.0;
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
  return s;
}

PairScores bcubed(const std::vector<int>& truth, const std::vector<int>& pred) {
  Contingency c = contingency(truth, pred);
  PairScores s;
  for (std::size_t i = 0; i < truth.size(); ++i) {
    double together = c.cell[{truth[i], pred[i]}];
    s.precision += together / c.cols[pred[i]];
    s.recall += together / c.rows[truth[i]];
  }
  if (!truth.empty()) s.precision /= double(truth.size()), s.recall /= double(truth.size());
  s.f1 = s.precision + s.recall > 0 ? 2 * s.precision * s.recall / (s.precision + s.recall) : 0.0;
  return s;
}

std::size_t cluster_count(const std::vector<int>& labels) {
  std::set<int> s;
  for (int l : labels)
    if (l >= 0) s.insert(l);
  return s.size();
}

double noise_fraction(const std::vector<int>& labels) {
  if (labels.empty()) return 0.0;
  return double(std::count(labels.begin(), labels.end(), -1)) / double(labels.size());
}

std::vector<int> noise_as_singletons(std::vector<int> labels) {
  int next = labels.empty() ? 0 : *std::max_element(labels.begin(), labels.end()) + 1;
  for (int& l : labels)
    if (l < 0) l = next++;
  return labels;
}

}  // namespace castnet::scores
