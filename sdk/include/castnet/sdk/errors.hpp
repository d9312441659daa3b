// Errors a user can cause, each with the exit code the CLI documents (docs/cli.md).
#pragma once
#include <stdexcept>
#include <string>

namespace castnet {

enum class ExitCode : int {
  ok = 0,
  failure = 1,     // a bug or an environment fault we did not foresee
  usage = 2,       // bad command line, unknown plugin or parameter
  input = 3,       // frames folder missing, empty, or with no readable frame
  model = 4,       // a model file missing or unreadable
  plugin = 5,      // a plugin library that cannot be loaded or refuses to build
  store = 6,       // the face store cannot be opened or is from another castnet
  output = 7,      // an output cannot be written
};

// One clear sentence naming the thing and the fix; the CLI prints what() and exits with code().
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& sentence) : std::runtime_error(sentence), code_(code) {}
  Error(const Error&) = default;
  // Out of line: the vtable and type information live in libcastnet_sdk, not in each plugin, so an
  // Error thrown by a plugin stays valid after the plugin is unloaded and is caught as an Error.
  ~Error() override;
  ExitCode code() const noexcept { return code_; }

 private:
  ExitCode code_;
};

}  // namespace castnet
