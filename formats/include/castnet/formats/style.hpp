// How people look, in the GEXF, the pictures and the report alike: one colour per community.
#pragma once
#include <string>

namespace castnet::formats {

struct Rgb {
  int r = 0, g = 0, b = 0;
  std::string hex() const;  // "#1f77b4"
};

// Tableau's ten categorical colours, then golden-angle hues: neighbouring communities differ.
Rgb community_colour(int community);

}  // namespace castnet::formats
