// Frames read back after extraction (for face crops): each stored broadcast's input is opened
// again with the source that read it and streamed, and only the frames asked for are decoded.
// ZIPs and videos are read in place, as during extraction; nothing is extracted to disk.
#pragma once
#include <functional>
#include <set>
#include <string>

#include <opencv2/core/mat.hpp>

#include "castnet/core/registry.hpp"
#include "castnet/core/store.hpp"

namespace castnet {

class FrameReader {
 public:
  FrameReader(const PluginRegistry& reg, PluginContext ctx) : reg_(reg), ctx_(std::move(ctx)) {}

  // Calls visit(location, rgb) for each frame of `b` whose location is in `wanted`, from up to
  // `threads` workers at once. Returns the wanted locations it could not read (the input is gone
  // or changed, or the frame no longer decodes).
  std::set<std::string> read(const StoredBroadcast& b, const std::set<std::string>& wanted, int threads,
                             const std::function<void(const std::string& location, const cv::Mat& rgb)>& visit) const;

 private:
  const PluginRegistry& reg_;
  PluginContext ctx_;
};

}  // namespace castnet
