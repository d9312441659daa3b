#include "sqlite_db.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"

namespace castnet::detail {

Error sqlite_error(sqlite3* db, int rc) {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  const std::string path = file && *file ? file : "the face store";
  const std::string why = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  // A write that ran out of space is, for SQLite, often an I/O error; errno says which it was.
  const int sys = db ? sqlite3_system_errno(db) : 0;
  const bool no_space = (rc & 0xff) == SQLITE_IOERR && (sys == ENOSPC || sys == EDQUOT || sys == EFBIG);
  switch (no_space ? SQLITE_FULL : rc & 0xff) {
    case SQLITE_FULL:
      return Error(ExitCode::output, fmt::format("The face store {} cannot grow: {}; free some space and run again (what is stored is kept).", path,
                                                 sys == EFBIG ? "the file size limit is reached" : "the disk is full"));
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
      return Error(ExitCode::output, fmt::format("The face store {} cannot be written ({}); check that the output folder is writable.", path, why));
    case SQLITE_IOERR:
      return Error(ExitCode::output, fmt::format("The face store {} could not be read or written ({}); check the disk.", path, why));
    case SQLITE_NOMEM:
      return Error(ExitCode::failure, fmt::format("castnet ran out of memory while using the face store {}.", path));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error(ExitCode::store, fmt::format("The face store {} is in use by another castnet; run again when it has finished.", path));
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Error(ExitCode::store, fmt::format("{} is not a castnet face store (or is damaged: {}); choose another output folder.", path, why));
    default:
      return Error(ExitCode::store, fmt::format("The face store {} is damaged ({}); extract into a new output folder.", path, why));
  }
}

Statement::Statement(sqlite3* db, const char* sql) : db_(db) {
  if (int rc = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); rc != SQLITE_OK) throw sqlite_error(db, rc);
}
Statement::~Statement() { sqlite3_finalize(stmt_); }

Statement& Statement::bind(int i, std::int64_t v) { sqlite3_bind_int64(stmt_, i, v); return *this; }
Statement& Statement::bind(int i, double v) { sqlite3_bind_double(stmt_, i, v); return *this; }
Statement& Statement::bind(int i, const std::string& v) {
  sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_blob(int i, const void* data, std::size_t n) {
  sqlite3_bind_blob(stmt_, i, data, static_cast<int>(n), SQLITE_TRANSIENT);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw sqlite_error(db_, rc);
}
void Statement::run() {
  while (step()) {
  }
  reset();
}
void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int col) const {
  const unsigned char* t = sqlite3_column_text(stmt_, col);
  return t ? reinterpret_cast<const char*>(t) : "";
}

std::vector<float> Statement::floats(int col) const {
  const void* p = sqlite3_column_blob(stmt_, col);
  int n = sqlite3_column_bytes(stmt_, col);
  std::vector<float> v(static_cast<std::size_t>(n) / sizeof(float));
  if (n) std::memcpy(v.data(), p, v.size() * sizeof(float));
  return v;
}

}  // namespace castnet::detail
