#include "castnet/sdk/frame_names.hpp"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <regex>
#include <tuple>

namespace castnet {

std::uint64_t fnv1a64(const unsigned char* data, std::size_t n) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (std::size_t i = 0; i < n; ++i) h = (h ^ data[i]) * 0x100000001b3ull;
  return h;
}

namespace {

// `prefix` + number + extension, as Visual Explorer names are: CHANNEL_YYYYMMDD_HHMMSS[_SHOW]-NNNNNN.jpg
std::optional<std::pair<std::string, unsigned long long>> split_numbered(const std::string& name) {
  static const std::regex numbered(R"(^(.*?)(\d+)\.[A-Za-z0-9]+$)");
  std::smatch m;
  if (!std::regex_match(name, m, numbered)) return std::nullopt;
  std::string digits = m[2].str();
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size() - 1));
  if (digits.size() > 18) return std::nullopt;  // an identifier, not a frame number
  return std::pair{m[1].str(), std::stoull(digits)};
}

}  // namespace

std::optional<unsigned long long> frame_number(const std::string& name) {
  auto split = split_numbered(name);
  return split ? std::optional(split->second) : std::nullopt;
}

bool share_one_numbering(const std::vector<std::string>& names) {
  std::optional<std::pair<std::string, unsigned long long>> last;
  for (const auto& name : names) {
    auto split = split_numbered(name);
    if (!split || (last && (split->first != last->first || split->second <= last->second))) return false;
    last = split;
  }
  return true;
}

std::vector<std::string> order_frame_names(std::vector<std::string> names) {
  // Order by (prefix, number) so that unpadded or mixed-width numbers still play in order.
  struct Key { std::string prefix; unsigned long long n; std::string name; };
  std::vector<Key> keys;
  for (const auto& name : names) {
    auto split = split_numbered(name);
    if (!split) {
      std::sort(names.begin(), names.end());
      return names;
    }
    keys.push_back({split->first, split->second, name});
  }
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return std::tie(a.prefix, a.n, a.name) < std::tie(b.prefix, b.n, b.name);
  });
  for (std::size_t i = 0; i < keys.size(); ++i) names[i] = keys[i].name;
  return names;
}

std::optional<VisualExplorerName> parse_visual_explorer_name(const std::string& name) {
  static const std::regex ve(R"(^(?:.*/)?([A-Za-z0-9]+)_(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(?:_[^-/]*)?-(\d+)\.[A-Za-z0-9]+$)");
  std::smatch m;
  if (!std::regex_match(name, m, ve)) return std::nullopt;
  std::tm tm{};
  tm.tm_year = std::stoi(m[2]) - 1900;
  tm.tm_mon = std::stoi(m[3]) - 1;
  tm.tm_mday = std::stoi(m[4]);
  tm.tm_hour = std::stoi(m[5]);
  tm.tm_min = std::stoi(m[6]);
  tm.tm_sec = std::stoi(m[7]);
  std::string frame = m[8].str();
  frame.erase(0, std::min(frame.find_first_not_of('0'), frame.size() - 1));
  if (frame.size() > 18) return std::nullopt;
  return VisualExplorerName{m[1], timegm(&tm), std::stol(frame)};
}

std::optional<VisualExplorerName> parse_visual_explorer_broadcast(const std::string& identifier) {
  return parse_visual_explorer_name(identifier + "-000000.jpg");
}

bool is_image_name(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return false;
  std::string ext = name.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".webp";
}

}  // namespace castnet
