// Plugin parameters, in the manner of scikit-learn's estimators: declared once (ParamSpec),
// validated once (validate_params), documented once (the spec's help text, shown by
// `castnet plugins show NAME`). Plugins never parse strings or print errors themselves.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

namespace castnet {

enum class ParamType { integer, real, boolean, text };
const char* to_string(ParamType t);

using ParamValue = std::variant<std::int64_t, double, bool, std::string>;
std::string format_value(const ParamValue& v);

// Whether a parameter changes what the stage produces. Execution settings (threads, batch
// sizes) do not: they stay out of the key under which the store keeps a stage's results, so
// changing them reuses what is stored.
enum class ParamRole { result, execution };

struct ParamSpec {
  std::string name;
  ParamType type;
  ParamValue default_value;
  std::string help;
  std::optional<double> min;            // bounds, for integer and real; inclusive unless min_open
  std::optional<double> max;
  std::vector<std::string> choices;     // for text: the allowed values, empty = any
  bool min_open = false;                // (min, ...: for a radius or threshold where min itself means nothing
  ParamRole role = ParamRole::result;

  // So that a descriptor says it in words: ParamSpec{"eps", ...}.above_min(), {...}.execution().
  ParamSpec above_min() const {
    ParamSpec s = *this;
    s.min_open = true;
    return s;
  }
  ParamSpec execution() const {
    ParamSpec s = *this;
    s.role = ParamRole::execution;
    return s;
  }
};

// Validated values for every declared parameter (defaults filled in). Remembers which were read,
// so the common plugin check can tell a declared parameter that no factory uses.
class Params {
 public:
  Params() = default;
  explicit Params(std::map<std::string, ParamValue> values) : values_(std::move(values)) {}
  Params(const Params& other) : values_(other.values_) {}
  Params& operator=(const Params& other) {
    values_ = other.values_;
    read_.clear();
    return *this;
  }
  std::int64_t integer(const std::string& name) const;
  double real(const std::string& name) const;
  bool boolean(const std::string& name) const;
  const std::string& text(const std::string& name) const;
  const std::map<std::string, ParamValue>& values() const { return values_; }
  // Declared parameters no accessor has read yet.
  std::vector<std::string> unread() const;

 private:
  const ParamValue& at(const std::string& name) const;
  std::map<std::string, ParamValue> values_;
  mutable std::set<std::string> read_;
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

// The canonical text of a configured stage, `name:a=1,b=x` with its result parameters sorted
// (execution settings left out): the key under which the store keeps what this stage produced,
// so equal configurations share work and different ones never mix.
std::string canonical_spec(const std::string& plugin, const std::vector<ParamSpec>& specs, const Params& params);

}  // namespace castnet
