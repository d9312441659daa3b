#include "castnet/eval/truth.hpp"

#include <fstream>

#include <fmt/format.h>

#include "castnet/eval/csv.hpp"
#include "castnet/sdk/errors.hpp"

namespace castnet {

Truth load_truth(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) throw Error(ExitCode::input, fmt::format("The truth file {} cannot be read.", csv.string()));
  std::string line;
  std::getline(in, line);
  auto header = split_csv_line(line);
  auto col = [&](const std::string& name) { return csv_column(header, name); };
  Truth t;
  int frame = col("frame"), path = col("path"), id = col("identity"), l = col("left"), tp = col("top"), r = col("right"), b = col("bottom");
  bool regions = frame >= 0 && id >= 0 && l >= 0 && tp >= 0 && r >= 0 && b >= 0;
  if (!regions && !(path >= 0 && id >= 0))
    throw Error(ExitCode::input, fmt::format("{} is neither a path,identity file nor a frame,identity,left,top,right,bottom file.", csv.string()));
  for (std::size_t n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    try {
      if (regions) {
        t.regions[f.at(std::size_t(frame))].push_back(
            {f.at(std::size_t(id)), {std::stol(f.at(std::size_t(l))), std::stol(f.at(std::size_t(tp))), std::stol(f.at(std::size_t(r))), std::stol(f.at(std::size_t(b)))}});
      } else {
        t.images[f.at(std::size_t(path))] = f.at(std::size_t(id));
      }
    } catch (const std::exception&) {
      throw Error(ExitCode::input, fmt::format("{} line {} is not a valid row.", csv.string(), n));
    }
  }
  return t;
}

}  // namespace castnet
