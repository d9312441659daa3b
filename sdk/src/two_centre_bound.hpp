// Where a point lies along the axis between two centres, from its distances to them: with O at
// the origin and T at distance D along the axis, a point at distance o from O and t from T lies
// at x = (o^2 - t^2 + D^2) / 2D. Every quantity is an interval that holds the exact value, so the
// bounds hold for the exact distances whatever the float error of the distances they start from.
#pragma once
#include <algorithm>
#include <cmath>
#include <utility>

namespace castnet::index {

struct Interval {
  double lo, hi;
};

// Centres closer than this give no axis (the division by D would amplify every error).
constexpr double kShortestAxis = 1e-6;

// The largest x for o^2 - t^2 at most diff_hi and D in d (x is convex in D: largest at an end).
inline double along_axis_at_most(double diff_hi, Interval d) {
  const double x = std::max(diff_hi / (2 * d.lo) + d.lo / 2, diff_hi / (2 * d.hi) + d.hi / 2);
  return x + 1e-9 * (std::abs(x) + d.hi);
}

// The smallest x for o^2 - t^2 at least diff_lo and D in d: at an end, or where D = sqrt(diff_lo)
// (the least of diff/2D + D/2) if that lies between them.
inline double along_axis_at_least(double diff_lo, Interval d) {
  double x = std::min(diff_lo / (2 * d.lo) + d.lo / 2, diff_lo / (2 * d.hi) + d.hi / 2);
  if (diff_lo > 0 && d.lo * d.lo <= diff_lo && diff_lo <= d.hi * d.hi) x = std::sqrt(diff_lo);
  return x - 1e-9 * (std::abs(x) + d.hi);
}

// The squared interval around a float distance taken as sqrt of a double sum and rounded to
// float: [lo^2, hi^2].
inline std::pair<double, double> squared_around_float(float d) {
  const double e = double(d) * 0x1p-23 + 1e-30, lo = std::max(0.0, double(d) - e), hi = double(d) + e;
  return {lo * lo, hi * hi};
}

// A distance taken as |a|^2 + |b|^2 - 2 a.b from a float dot product, as an interval.
inline Interval distance_from_dot(double norm2_a, double norm2_b, double dot, double tolerance) {
  const double d2 = norm2_a + norm2_b - 2.0 * dot;
  return {std::sqrt(std::max(0.0, d2 - tolerance)), std::sqrt(std::max(0.0, d2 + tolerance))};
}

}  // namespace castnet::index
