// The outputs of one `castnet graph`, replaced all at once. Each file is written beside its
// final name (NAME.part; a folder replaced whole is written as FOLDER.part/) and renamed into
// place only once every output is written: a full disk or a failed write leaves every earlier
// output as it was, byte for byte. Nothing is written through a symbolic link: a staged file is
// created anew (O_NOFOLLOW), and a rename replaces a link at the final name, not its target.
#pragma once
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <opencv2/core/mat.hpp>

namespace castnet::formats {

// `bytes` into a new file at `path`: an earlier file or link there is removed first, and the new
// one is opened without following links, so a link planted at that name leads nowhere. Errors
// (Error(output)) name `shown`, the output the file is written for.
void write_file_anew(const std::filesystem::path& path, const std::string& bytes, const std::filesystem::path& shown);

class OutputBatch {
 public:
  explicit OutputBatch(std::filesystem::path out);
  ~OutputBatch();  // not committed: what was staged is removed, the earlier outputs stay
  OutputBatch(const OutputBatch&) = delete;
  OutputBatch& operator=(const OutputBatch&) = delete;

  // A folder of OUT replaced whole (montages/, node_images/): files staged under it go to
  // FOLDER.part/, and the earlier folder goes at commit.
  void folder(const std::string& name);
  // `relative` (to OUT) staged with these bytes; the image encoded by its extension first.
  void file(const std::filesystem::path& relative, const std::string& bytes);
  void image(const std::filesystem::path& relative, const cv::Mat& bgr, const std::vector<int>& params = {});
  // An earlier output this run does not write: removed at commit.
  void remove(const std::filesystem::path& relative);
  // Where `relative` can be read now: staged, else the earlier output.
  std::filesystem::path current(const std::filesystem::path& relative) const;
  // Every staged file and folder renamed into place, every removal done.
  void commit();

 private:
  std::filesystem::path staged(const std::filesystem::path& relative) const;
  std::filesystem::path out_;
  std::set<std::string> folders_;
  std::vector<std::filesystem::path> files_, removals_;  // relative to OUT; files_ outside folders_
  std::set<std::filesystem::path> written_;  // relative, folders' files included
  bool committed_ = false;
};

}  // namespace castnet::formats
