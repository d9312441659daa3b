// A thin RAII layer over SQLite's C API, private to the store.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <sqlite3.h>

#include <fmt/format.h>

#include "castnet/sdk/errors.hpp"

namespace castnet::detail {

// What SQLite's result code `rc` means to a user, as castnet's Error: a full disk or an unwritable
// folder is an output problem (exit 7), a damaged or foreign file a store problem (exit 6).
Error sqlite_error(sqlite3* db, int rc);

class Statement {
 public:
  Statement(sqlite3* db, const char* sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, double v);
  Statement& bind(int i, const std::string& v);
  Statement& bind_blob(int i, const void* data, std::size_t n);
  bool step();  // true while a row is available
  void run();   // step to completion, then reset for reuse
  void reset();

  std::int64_t integer(int col) const { return sqlite3_column_int64(stmt_, col); }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  std::string text(int col) const;
  std::vector<float> floats(int col) const;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// BEGIN IMMEDIATE now, ROLLBACK unless commit() was called: a write that fails half-way leaves the
// store as it was.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr); }
  void commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw Error(ExitCode::store, fmt::format("The face store could not commit ({}).", sqlite3_errmsg(db_)));
    done_ = true;
  }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

}  // namespace castnet::detail
