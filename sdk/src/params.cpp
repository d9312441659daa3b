#include "castnet/sdk/params.hpp"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/sdk/errors.hpp"

namespace castnet {

const char* to_string(ParamType t) {
  switch (t) {
    case ParamType::integer: return "integer";
    case ParamType::real: return "number";
    case ParamType::boolean: return "boolean";
    case ParamType::text: return "text";
  }
  return "?";
}

std::string format_value(const ParamValue& v) {
  struct {
    std::string operator()(std::int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return fmt::format("{}", d); }  // shortest round-trip
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return s; }
  } f;
  return std::visit(f, v);
}

const ParamValue& Params::at(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("parameter not declared: " + name);
  read_.insert(name);
  return it->second;
}

std::vector<std::string> Params::unread() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : values_)
    if (!read_.count(name)) out.push_back(name);
  return out;
}
std::int64_t Params::integer(const std::string& n) const { return std::get<std::int64_t>(at(n)); }
double Params::real(const std::string& n) const { return std::get<double>(at(n)); }
bool Params::boolean(const std::string& n) const { return std::get<bool>(at(n)); }
const std::string& Params::text(const std::string& n) const { return std::get<std::string>(at(n)); }

StageSpec parse_stage_spec(const std::string& text) {
  StageSpec spec;
  auto colon = text.find(':');
  spec.plugin = text.substr(0, colon);
  if (spec.plugin.empty())
    throw Error(ExitCode::usage, fmt::format("'{}' names no plugin; write NAME, or NAME:param=value with more pairs after commas.", text));
  if (colon == std::string::npos) return spec;
  std::string rest = text.substr(colon + 1);
  std::size_t pos = 0;
  while (pos <= rest.size() && !rest.empty()) {
    auto comma = rest.find(',', pos);
    std::string item = rest.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ExitCode::usage, fmt::format("{}: '{}' is not of the form param=value.", spec.plugin, item));
    std::string name = item.substr(0, eq);
    if (spec.raw.count(name))  // "eps=0.4,eps=0.5": which one was meant is a guess we do not make
      throw Error(ExitCode::usage, fmt::format("{}: parameter '{}' is given twice.", spec.plugin, name));
    spec.raw[name] = item.substr(eq + 1);
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return spec;
}

namespace {

std::string accepted(const ParamSpec& s) {
  std::string what = to_string(s.type);
  if (s.min && s.min_open && s.max) what += fmt::format(" above {} and at most {}", *s.min, *s.max);
  else if (s.min && s.min_open) what += fmt::format(" above {}", *s.min);
  else if (s.min && s.max) what += fmt::format(" from {} to {}", *s.min, *s.max);
  else if (s.min) what += fmt::format(" of at least {}", *s.min);
  else if (s.max) what += fmt::format(" of at most {}", *s.max);
  if (!s.choices.empty()) what = "one of " + fmt::format("{}", fmt::join(s.choices, ", "));
  return what;
}

ParamValue parse_value(const std::string& plugin, const ParamSpec& s, const std::string& text) {
  auto bad = [&]() {
    return Error(ExitCode::usage, fmt::format("{}: parameter '{}' takes {}, not '{}'.", plugin, s.name,
                                              accepted(s), text));
  };
  auto check_range = [&](double v) {
    bool below = s.min && (s.min_open ? v <= *s.min : v < *s.min);
    if (below || (s.max && v > *s.max) || std::isnan(v)) throw bad();
  };
  switch (s.type) {
    case ParamType::integer: {
      long long v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size()) throw bad();
      check_range(static_cast<double>(v));
      return static_cast<std::int64_t>(v);
    }
    case ParamType::real: {
      // Decimal only: strtod would read "0x10" as 16 and " 0.4" as 0.4.
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v, std::chars_format::general);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) throw bad();
      check_range(v);
      return v;
    }
    case ParamType::boolean:
      if (text == "true" || text == "1" || text == "yes") return true;
      if (text == "false" || text == "0" || text == "no") return false;
      throw bad();
    case ParamType::text:
      if (!s.choices.empty() && std::find(s.choices.begin(), s.choices.end(), text) == s.choices.end())
        throw bad();
      return text;
  }
  throw bad();
}

}  // namespace

Params validate_params(const std::string& plugin, const std::vector<ParamSpec>& specs,
                       const std::map<std::string, std::string>& raw) {
  std::map<std::string, ParamValue> values;
  for (const auto& s : specs) values[s.name] = s.default_value;
  for (const auto& [name, text] : raw) {
    auto it = std::find_if(specs.begin(), specs.end(), [&name = name](const ParamSpec& s) { return s.name == name; });
    if (it == specs.end()) {
      std::vector<std::string> names;
      for (const auto& s : specs) names.push_back(s.name);
      throw Error(ExitCode::usage,
                  names.empty()
                      ? fmt::format("{} has no parameter '{}'; it takes none.", plugin, name)
                      : fmt::format("{} has no parameter '{}'; it takes {} (see `castnet plugins show {}`).",
                                    plugin, name, fmt::join(names, ", "), plugin));
    }
    values[name] = parse_value(plugin, *it, text);
  }
  return Params(std::move(values));
}

std::string canonical_spec(const std::string& plugin, const std::vector<ParamSpec>& specs, const Params& params) {
  std::string out = plugin;
  char sep = ':';
  for (const auto& [name, value] : params.values()) {  // std::map: sorted by name
    auto spec = std::find_if(specs.begin(), specs.end(), [&name = name](const ParamSpec& s) { return s.name == name; });
    if (spec != specs.end() && spec->role == ParamRole::execution) continue;
    out += fmt::format("{}{}={}", sep, name, format_value(value));
    sep = ',';
  }
  return out;
}

}  // namespace castnet
