// Plugin parameters, in the manner of scikit-learn's estimators: declared once (ParamSpec),
// validated once (validate_params), documented once (the spec's help text, shown by
// `castnet plugins show NAME`). Plugins never parse strings or print errors themselves.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace castnet {

enum class ParamType { integer, real, boolean, text };
const char* to_string(ParamType t);

using ParamValue = std::variant<std::int64_t, double, bool, std::string>;
std::string format_value(const ParamValue& v);

struct ParamSpec {
  std::string name;
  ParamType type;
  ParamValue default_value;
  std::string help;
  std::optional<double> min;            // inclusive bounds, for integer and real
  std::optional<double> max;
  std::vector<std::string> choices;     // for text: the allowed values, empty = any
};

// Validated values for every declared parameter (defaults filled in).
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
};

// What a user wrote for one stage: `dbscan:eps=0.45,min_samples=3`.
struct StageSpec {
  std::string plugin;
  std::map<std::string, std::string> raw;  // parameter name -> text as written
};
StageSpec parse_stage_spec(const std::string& text);

// Checks names, types and ranges against the specs; throws Error(usage) with one sentence
// naming the plugin, the parameter and what it accepts.
Params validate_params(const std::string& plugin, const std::vector<ParamSpec>& specs,
                       const std::map<std::string, std::string>& raw);

// The canonical text of a configured stage, `name:a=1,b=x` with every parameter sorted:
// the key under which the store keeps what this stage produced, so equal configs share work.
std::string canonical_spec(const std::string& plugin, const Params& params);

}  // namespace castnet
