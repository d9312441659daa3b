// How far a long computation inside a plugin has got, for the host's progress display (castnet
// cluster shows an ETA from it). Plugins report from any thread; the host installs the one
// handler. With none installed, reports cost a check and nothing more.
#pragma once
#include <cstddef>
#include <functional>
#include <string>

namespace castnet {

using ProgressHandler = std::function<void(const std::string& step, std::size_t done, std::size_t total)>;

// The host's: replaces the handler (an empty one removes it). Not for plugins.
void set_progress_handler(ProgressHandler handler);

// `done` of `total` units of `step` are finished. Calls are serialised before the handler.
void report_progress(const std::string& step, std::size_t done, std::size_t total);

}  // namespace castnet
