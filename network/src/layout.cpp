#include "castnet/network/layout.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace castnet {

double node_radius(double pagerank, double max_pagerank) {
  double share = max_pagerank > 0 ? std::clamp(pagerank / max_pagerank, 0.0, 1.0) : 1.0;
  return 10.0 + 30.0 * std::sqrt(share);
}

namespace {

struct Link {
  std::size_t a, b;
  double w;
};

// One ForceAtlas2 run: positions, the forces of this and the last iteration, and the adaptive
// speed. Each step below is one part of Jacomy et al.'s algorithm, in Gephi's order.
class ForceAtlas2 {
 public:
  ForceAtlas2(const Graph& g, const std::vector<double>& radius, const LayoutOptions& opt)
      : n_(boost::num_vertices(g)), radius_(radius), opt_(opt), pos_(n_), mass_(n_, 1.0), force_(n_), old_(n_) {
    std::mt19937_64 rng(opt.seed);
    double mean_r = 0;
    for (double r : radius) mean_r += r / double(n_);
    std::uniform_real_distribution<double> start(-1.0, 1.0);
    const double spread = 4 * mean_r * std::sqrt(double(n_));
    for (auto& p : pos_) p = {spread * start(rng), spread * start(rng)};
    for (auto [e, end] = boost::edges(g); e != end; ++e) {
      auto a = boost::source(*e, g), b = boost::target(*e, g);
      mass_[a] += 1, mass_[b] += 1;
      links_.push_back({a, b, g[*e].weight});
    }
    scaling_ = opt.scaling > 0 ? opt.scaling : (n_ < 100 ? 10.0 : 2.0);
  }

  void iterate(bool first) {
    old_.swap(force_);
    std::fill(force_.begin(), force_.end(), Point2{});
    repel();
    attract_to_centre();
    attract_along_edges();
    if (first) old_ = force_;
    move();
  }

  std::vector<Point2>& positions() { return pos_; }

 private:
  // Repulsion, with Gephi's anti-collision: distance between circles, not centres.
  void repel() {
    for (std::size_t i = 0; i < n_; ++i)
      for (std::size_t j = i + 1; j < n_; ++j) {
        double dx = pos_[i].x - pos_[j].x, dy = pos_[i].y - pos_[j].y;
        double d = std::sqrt(dx * dx + dy * dy) - radius_[i] - radius_[j];
        double f = d > 0 ? scaling_ * mass_[i] * mass_[j] / (d * d) : 100 * scaling_ * mass_[i] * mass_[j];
        force_[i].x += dx * f, force_[i].y += dy * f;
        force_[j].x -= dx * f, force_[j].y -= dy * f;
      }
  }

  void attract_to_centre() {
    for (std::size_t i = 0; i < n_; ++i) {
      double d = std::hypot(pos_[i].x, pos_[i].y);
      if (d > 0)
        force_[i].x -= pos_[i].x * scaling_ * mass_[i] * opt_.gravity / d, force_[i].y -= pos_[i].y * scaling_ * mass_[i] * opt_.gravity / d;
    }
  }

  // Linear attraction along edges, while the circles do not touch.
  void attract_along_edges() {
    for (const auto& l : links_) {
      double dx = pos_[l.a].x - pos_[l.b].x, dy = pos_[l.a].y - pos_[l.b].y;
      if (std::sqrt(dx * dx + dy * dy) - radius_[l.a] - radius_[l.b] <= 0) continue;
      force_[l.a].x -= dx * l.w, force_[l.a].y -= dy * l.w;
      force_[l.b].x += dx * l.w, force_[l.b].y += dy * l.w;
    }
  }

  // Adaptive speed (Gephi's ForceAtlas2): fast while nodes move steadily, slow when they swing.
  void move() {
    double swinging = 0, traction = 0;
    for (std::size_t i = 0; i < n_; ++i) {
      swinging += mass_[i] * std::hypot(old_[i].x - force_[i].x, old_[i].y - force_[i].y);
      traction += 0.5 * mass_[i] * std::hypot(old_[i].x + force_[i].x, old_[i].y + force_[i].y);
    }
    double optimal = 0.05 * std::sqrt(double(n_));
    double jitter = std::max(std::sqrt(optimal), std::min(10.0, optimal * traction / (double(n_) * double(n_))));
    if (traction > 0 && swinging / traction > 2.0) {
      if (efficiency_ > 0.05) efficiency_ *= 0.5;
      jitter = std::max(jitter, 1.0);
    }
    double target = swinging == 0 ? std::numeric_limits<double>::infinity() : jitter * efficiency_ * traction / swinging;
    if (swinging > jitter * traction) {
      if (efficiency_ > 0.05) efficiency_ *= 0.7;
    } else if (speed_ < 1000) {
      efficiency_ *= 1.3;
    }
    speed_ += std::min(target - speed_, 0.5 * speed_);
    for (std::size_t i = 0; i < n_; ++i) {
      double swing = mass_[i] * std::hypot(old_[i].x - force_[i].x, old_[i].y - force_[i].y);
      double df = std::hypot(force_[i].x, force_[i].y);
      if (df == 0) continue;
      double factor = std::min(0.1 * speed_ / (1.0 + std::sqrt(speed_ * swing)) * df, 10.0) / df;
      pos_[i].x += force_[i].x * factor, pos_[i].y += force_[i].y * factor;
    }
  }

  std::size_t n_;
  const std::vector<double>& radius_;
  const LayoutOptions& opt_;
  std::vector<Point2> pos_;
  std::vector<double> mass_;
  std::vector<Link> links_;
  std::vector<Point2> force_, old_;
  double scaling_ = 1.0, speed_ = 1.0, efficiency_ = 1.0;
};

// Whatever still touches is pushed apart along the line between the centres.
void push_apart(std::vector<Point2>& pos, const std::vector<double>& radius, double gap) {
  const std::size_t n = pos.size();
  for (bool moved = true; moved;) {
    moved = false;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = i + 1; j < n; ++j) {
        double dx = pos[j].x - pos[i].x, dy = pos[j].y - pos[i].y, d = std::hypot(dx, dy);
        double need = radius[i] + radius[j] + gap;
        if (d >= need) continue;
        if (d < 1e-9) dx = 1.0 + double(j - i) * 1e-3, dy = double(i % 7) * 1e-3, d = std::hypot(dx, dy);  // coincident
        double push = (need - d) / 2 + 1e-6;
        pos[i].x -= dx / d * push, pos[i].y -= dy / d * push;
        pos[j].x += dx / d * push, pos[j].y += dy / d * push;
        moved = true;
      }
  }
}

}  // namespace

std::vector<Point2> force_atlas2(const Graph& g, const std::vector<double>& radius, const LayoutOptions& opt) {
  const std::size_t n = boost::num_vertices(g);
  if (n == 0) return {};
  ForceAtlas2 layout(g, radius, opt);
  // O(n^2) repulsion per iteration: keep the work bounded for large graphs.
  const int iterations = opt.iterations > 0 ? opt.iterations
                                            : int(std::clamp(2.0e8 / std::max(1.0, double(n) * double(n)), 100.0, 600.0));
  for (int it = 0; it < iterations; ++it) layout.iterate(it == 0);
  std::vector<Point2> pos = std::move(layout.positions());
  push_apart(pos, radius, opt.gap);
  // Round to 1/1000 of a unit: written positions are what the layout is.
  for (auto& p : pos) p.x = std::round(p.x * 1000) / 1000, p.y = std::round(p.y * 1000) / 1000;
  return pos;
}

}  // namespace castnet
