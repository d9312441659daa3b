#include "castnet/core/frame_reader.hpp"

#include <mutex>
#include <vector>

#include "castnet/core/image_file.hpp"
#include "castnet/core/inputs.hpp"
#include "castnet/core/system.hpp"
#include "castnet/sdk/errors.hpp"
#include "castnet/sdk/parallel.hpp"

namespace castnet {

std::set<std::string> FrameReader::read(const StoredBroadcast& b, const std::set<std::string>& wanted, int threads,
                                        const std::function<void(const std::string&, const cv::Mat&)>& visit) const {
  std::set<std::string> missing = wanted;
  if (wanted.empty()) return missing;
  std::shared_ptr<FrameSource> source;
  try {
    source = reopen(reg_, ctx_, b);
  } catch (const Error&) {
    return missing;  // the input moved or no longer reads: every wanted frame is missing
  }
  std::mutex mu;
  std::vector<SourceFrame> batch;  // a few frames per worker at a time: memory stays bounded
  const std::size_t batch_size = 4 * std::size_t(resolve_threads(threads));
  auto flush = [&] {
    parallel_for(batch.size(), threads, [&](std::size_t i) {
      SourceFrame& f = batch[i];
      std::string error;
      cv::Mat rgb = f.rgb.empty() && f.error.empty() ? decode_rgb(f.encoded, error) : f.rgb;
      if (rgb.empty()) return;
      visit(f.location, rgb);
      std::lock_guard lock(mu);
      missing.erase(f.location);
    });
    batch.clear();
  };
  std::size_t left = wanted.size();
  while (left > 0) {
    auto f = source->next_if([&](const std::string& location) { return wanted.count(location) > 0; });
    if (!f) break;
    if (!wanted.count(f->location)) continue;
    --left;
    batch.push_back(std::move(*f));
    if (batch.size() >= batch_size) flush();
  }
  flush();
  return missing;
}

}  // namespace castnet
