#include "castnet/formats/style.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace castnet::formats {

std::string Rgb::hex() const { return fmt::format("#{:02x}{:02x}{:02x}", r, g, b); }

Rgb community_colour(int community) {
  static const std::array<Rgb, 10> tableau = {{{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40}, {148, 103, 189},
                                               {140, 86, 75}, {227, 119, 194}, {127, 127, 127}, {188, 189, 34}, {23, 190, 207}}};
  if (community >= 0 && community < int(tableau.size())) return tableau[std::size_t(community)];
  double hue = std::fmod(std::max(community, 0) * 137.508, 360.0) / 60.0;
  auto channel = [&](double shift) {
    double h = std::fmod(hue + shift, 6.0);
    return int(std::lround(50 + 170 * std::clamp(std::abs(h - 3.0) - 1.0, 0.0, 1.0)));
  };
  return {channel(0), channel(4), channel(2)};
}

}  // namespace castnet::formats
