// The store's corrections (castnet people) and galleries (castnet run --gallery).
#include <cstdlib>

#include <fmt/format.h>

#include "castnet/core/store.hpp"
#include "sqlite_db.hpp"

namespace castnet {

using detail::Statement;

std::int64_t FaceStore::add_correction(const Correction& c) {
  detail::Transaction tx(db_);
  Statement ins(db_, "INSERT INTO corrections(kind, name) VALUES(?,?) RETURNING id");
  ins.bind(1, c.kind).bind(2, c.name);
  if (!ins.step()) throw Error(ExitCode::store, "The face store did not return a correction id.");
  std::int64_t id = ins.integer(0);
  ins.run();
  Statement face(db_, "INSERT OR IGNORE INTO correction_faces(correction_id, side, face_id) VALUES(?,?,?)");
  for (int side : {0, 1})
    for (std::int64_t f : side == 0 ? c.faces : c.others) face.bind(1, id).bind(2, std::int64_t{side}).bind(3, f).run();
  tx.commit();
  return id;
}

std::vector<Correction> FaceStore::corrections() const {
  std::vector<Correction> out;
  std::map<std::int64_t, std::size_t> at;
  Statement q(db_, "SELECT id, kind, name, undone, created FROM corrections ORDER BY id");
  while (q.step()) {
    at[q.integer(0)] = out.size();
    out.push_back({q.integer(0), q.text(1), q.text(2), {}, {}, q.integer(3) != 0, q.text(4)});
  }
  Statement f(db_, "SELECT correction_id, side, face_id FROM correction_faces ORDER BY correction_id, side, face_id");
  while (f.step()) {
    auto it = at.find(f.integer(0));
    if (it == at.end()) continue;
    (f.integer(1) == 0 ? out[it->second].faces : out[it->second].others).push_back(f.integer(2));
  }
  return out;
}

void FaceStore::set_undone(std::int64_t correction_id, bool undone) {
  Statement q(db_, "UPDATE corrections SET undone=? WHERE id=?");
  q.bind(1, std::int64_t{undone}).bind(2, correction_id).run();
}

void FaceStore::set_gallery(const std::string& embedder, const std::vector<GalleryFace>& faces) {
  detail::Transaction tx(db_);
  Statement del(db_, "DELETE FROM gallery WHERE embedder=?");
  del.bind(1, embedder).run();
  Statement ins(db_, "INSERT INTO gallery(embedder, seq, identity, path, vec) VALUES(?,?,?,?,?)");
  for (std::size_t i = 0; i < faces.size(); ++i)
    ins.bind(1, embedder).bind(2, std::int64_t(i)).bind(3, faces[i].identity).bind(4, faces[i].path)
        .bind_blob(5, faces[i].vec.data(), faces[i].vec.size() * sizeof(float)).run();
  tx.commit();
}

std::vector<GalleryFace> FaceStore::gallery(const std::string& embedder) const {
  std::vector<GalleryFace> out;
  Statement q(db_, "SELECT identity, path, vec FROM gallery WHERE embedder=? ORDER BY seq");
  q.bind(1, embedder);
  while (q.step()) out.push_back({q.text(0), q.text(1), q.floats(2)});
  return out;
}

std::map<std::uint64_t, GalleryPhoto> FaceStore::gallery_photos(const std::string& detector, const std::string& embedder) const {
  std::map<std::uint64_t, GalleryPhoto> out;
  Statement q(db_, "SELECT content_hash, faces, vec FROM gallery_photos WHERE detector=? AND embedder=?");
  q.bind(1, detector).bind(2, embedder);
  while (q.step()) out[std::strtoull(q.text(0).c_str(), nullptr, 16)] = {std::size_t(q.integer(1)), q.floats(2)};
  return out;
}

void FaceStore::keep_gallery_photo(std::uint64_t content_hash, const std::string& detector, const std::string& embedder,
                                   const GalleryPhoto& photo) {
  Statement q(db_, "INSERT OR REPLACE INTO gallery_photos(content_hash, detector, embedder, faces, vec) VALUES(?,?,?,?,?)");
  q.bind(1, fmt::format("{:016x}", content_hash)).bind(2, detector).bind(3, embedder).bind(4, std::int64_t(photo.faces))
      .bind_blob(5, photo.vec.data(), photo.vec.size() * sizeof(float)).run();
}

}  // namespace castnet
