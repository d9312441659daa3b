// `castnet plugins` and `castnet plugins show NAME`.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "castnet/sdk/errors.hpp"
#include "session.hpp"

namespace castnet::cli {

namespace {

void list_plugins(const PluginRegistry& reg) {
  for (PluginKind kind : {PluginKind::frame_source, PluginKind::detector, PluginKind::embedder, PluginKind::clusterer, PluginKind::edge_rule}) {
    fmt::print("{}s:\n", to_string(kind));
    for (const auto& d : reg.descriptors())
      if (d.kind == kind) fmt::print("  {:<16} {:<6} {}\n", d.name, d.version, d.summary);
  }
}

void show_plugin(const PluginRegistry& reg, const std::string& name) {
  bool found = false;
  for (const auto& d : reg.descriptors()) {
    if (d.name != name) continue;
    found = true;
    fmt::print("{} ({} {}): {}\n", d.name, to_string(d.kind), d.version, d.summary);
    if (!d.inputs.empty()) fmt::print("reads, when no source is named: {}\n", fmt::join(d.inputs, " "));
    fmt::print("parameters:\n");
    for (const auto& p : d.params) {
      std::string range;
      if (p.min || p.max)
        range = fmt::format(" {}{}..{}]", p.min_open ? "(" : "[", p.min ? fmt::format("{}", *p.min) : "",
                            p.max ? fmt::format("{}", *p.max) : "");
      if (!p.choices.empty()) range = fmt::format(" {{{}}}", fmt::join(p.choices, ", "));
      const char* role = p.role == ParamRole::execution ? " (execution setting: changing it reuses stored results)" : "";
      fmt::print("  {:<26} {:<8} default {}{}\n      {}{}\n", p.name, to_string(p.type), format_value(p.default_value), range,
                 p.help, role);
    }
    if (d.params.empty()) fmt::print("  (none)\n");
  }
  if (!found)
    throw Error(ExitCode::usage, fmt::format("No plugin named '{}' is installed; `castnet plugins` lists them.", name));
}

}  // namespace

void add_plugins_command(CLI::App& app, Options& o) {
  auto* plugins = app.add_subcommand("plugins", "List the installed plugins (CASTNET_PLUGIN_PATH adds folders)");
  auto* show = plugins->add_subcommand("show", "Show one plugin's parameters");
  show->add_option("name", o.plugin_name, "plugin name, e.g. dbscan")->required();
  plugins->callback([plugins, show, &o] {
    Session session;
    if (show->parsed()) show_plugin(session.registry(), o.plugin_name);
    else list_plugins(session.registry());
  });
}

}  // namespace castnet::cli
