// Known identities to score a run against: per image (a labeled photo set) or per region (a
// synthetic broadcast's truth.csv).
#pragma once
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "castnet/sdk/face.hpp"

namespace castnet {

struct TruthRegion {
  std::string identity;
  Box box;
};

struct Truth {
  // Per image (`path,identity`, as data/faces/labels.csv): the largest face of the image is that
  // person. Keys are paths as the frame source names them (relative to the frames folder).
  std::map<std::string, std::string> images;
  // Per region (`frame,identity,left,top,right,bottom`, as `castnet synth` writes): a detected
  // face is the person whose region holds its centre.
  std::map<std::string, std::vector<TruthRegion>> regions;
  bool per_region() const { return !regions.empty(); }
};

// Reads either form (told apart by the header). Throws Error(input) with the file and line.
Truth load_truth(const std::filesystem::path& csv);

}  // namespace castnet
