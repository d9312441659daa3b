#include "castnet/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace castnet {

double node_radius(double pagerank, double max_pagerank) {
  double share = max_pagerank > 0 ? std::clamp(pagerank / max_pagerank, 0.0, 1.0) : 1.0;
  return 10.0 + 30.0 * std::sqrt(share);
}

std::vector<Point2> force_atlas2(const Graph& g, const std::vector<double>& radius, const LayoutOptions& opt) {
  const std::size_t n = boost::num_vertices(g);
  std::vector<Point2> pos(n);
  if (n == 0) return pos;
  std::mt19937_64 rng(opt.seed);
  double mean_r = 0;
  for (double r : radius) mean_r += r / double(n);
  std::uniform_real_distribution<double> start(-1.0, 1.0);
  const double spread = 4 * mean_r * std::sqrt(double(n));
  for (auto& p : pos) p = {spread * start(rng), spread * start(rng)};

  std::vector<double> mass(n, 1.0);
  struct Link { std::size_t a, b; double w; };
  std::vector<Link> links;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    auto a = boost::source(*e, g), b = boost::target(*e, g);
    mass[a] += 1, mass[b] += 1;
    links.push_back({a, b, g[*e].weight});
  }
  const double scaling = opt.scaling > 0 ? opt.scaling : (n < 100 ? 10.0 : 2.0);
  // O(n^2) repulsion per iteration: keep the work bounded for large graphs.
  const int iterations = opt.iterations > 0 ? opt.iterations
                                            : int(std::clamp(2.0e8 / std::max(1.0, double(n) * double(n)), 100.0, 600.0));
  std::vector<Point2> force(n), old(n);
  double speed = 1.0, efficiency = 1.0;
  for (int it = 0; it < iterations; ++it) {
    old.swap(force);
    std::fill(force.begin(), force.end(), Point2{});
    // Repulsion, with Gephi's anti-collision: distance between circles, not centres.
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        double dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        double d = std::sqrt(dx * dx + dy * dy) - radius[i] - radius[j];
        double f = d > 0 ? scaling * mass[i] * mass[j] / (d * d) : 100 * scaling * mass[i] * mass[j];
        force[i].x += dx * f, force[i].y += dy * f;
        force[j].x -= dx * f, force[j].y -= dy * f;
      }
    for (std::size_t i = 0; i < n; ++i) {  // gravity towards the centre
      double d = std::hypot(pos[i].x, pos[i].y);
      if (d > 0) force[i].x -= pos[i].x * scaling * mass[i] * opt.gravity / d, force[i].y -= pos[i].y * scaling * mass[i] * opt.gravity / d;
    }
    for (const auto& l : links) {  // linear attraction along edges, while the circles do not touch
      double dx = pos[l.a].x - pos[l.b].x, dy = pos[l.a].y - pos[l.b].y;
      if (std::sqrt(dx * dx + dy * dy) - radius[l.a] - radius[l.b] <= 0) continue;
      force[l.a].x -= dx * l.w, force[l.a].y -= dy * l.w;
      force[l.b].x += dx * l.w, force[l.b].y += dy * l.w;
    }
    if (it == 0) old = force;
    // Adaptive speed (Gephi's ForceAtlas2): fast while nodes move steadily, slow when they swing.
    double swinging = 0, traction = 0;
    for (std::size_t i = 0; i < n; ++i) {
      swinging += mass[i] * std::hypot(old[i].x - force[i].x, old[i].y - force[i].y);
      traction += 0.5 * mass[i] * std::hypot(old[i].x + force[i].x, old[i].y + force[i].y);
    }
    double optimal = 0.05 * std::sqrt(double(n));
    double jitter = std::max(std::sqrt(optimal), std::min(10.0, optimal * traction / (double(n) * double(n))));
    if (traction > 0 && swinging / traction > 2.0) {
      if (efficiency > 0.05) efficiency *= 0.5;
      jitter = std::max(jitter, 1.0);
    }
    double target = swinging == 0 ? std::numeric_limits<double>::infinity() : jitter * efficiency * traction / swinging;
    if (swinging > jitter * traction) {
      if (efficiency > 0.05) efficiency *= 0.7;
    } else if (speed < 1000) {
      efficiency *= 1.3;
    }
    speed += std::min(target - speed, 0.5 * speed);
    for (std::size_t i = 0; i < n; ++i) {
      double swing = mass[i] * std::hypot(old[i].x - force[i].x, old[i].y - force[i].y);
      double df = std::hypot(force[i].x, force[i].y);
      if (df == 0) continue;
      double factor = std::min(0.1 * speed / (1.0 + std::sqrt(speed * swing)) * df, 10.0) / df;
      pos[i].x += force[i].x * factor, pos[i].y += force[i].y * factor;
    }
  }
  // Whatever still touches is pushed apart along the line between the centres.
  for (bool moved = true; moved;) {
    moved = false;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        double dx = pos[j].x - pos[i].x, dy = pos[j].y - pos[i].y, d = std::hypot(dx, dy);
        double need = radius[i] + radius[j] + opt.gap;
        if (d >= need) continue;
        if (d < 1e-9) dx = 1.0 + double(j - i) * 1e-3, dy = double(i % 7) * 1e-3, d = std::hypot(dx, dy);  // coincident
        double push = (need - d) / 2 + 1e-6;
        pos[i].x -= dx / d * push, pos[i].y -= dy / d * push;
        pos[j].x += dx / d * push, pos[j].y += dy / d * push;
        moved = true;
      }
  }
  // Round to 1/1000 of a unit: written positions are what the layout is.
  for (auto& p : pos) p.x = std::round(p.x * 1000) / 1000, p.y = std::round(p.y * 1000) / 1000;
  return pos;
}

}  // namespace castnet
