// Opening SQLite database handles with the settings of the backend.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <string>

namespace custmgmt::detail::sqlite {

struct DatabaseCloser {
  // close_v2 so that a handle is released even if a statement leaked.
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

// Owns a database handle.
using DatabasePtr = std::unique_ptr<sqlite3, DatabaseCloser>;

// Opens `filename` (a path or an SQLite `file:` URI) read-write, creating it
// when missing (unless the URI says otherwise, e.g. `mode=ro`), and applies
// the per-connection settings: extended result codes, defensive mode, no
// double-quoted string literals, foreign keys on, the busy timeout, and for
// a file in WAL mode synchronous=NORMAL. When `enable_wal` is set and the
// database is writable and not yet in WAL mode, switches it to WAL
// (persistent). Reads the database header, so a file that is not a database
// fails here.
// @throws BackendError (backend.io, backend.corrupt, backend.busy, ...).
DatabasePtr open_database(const std::string& filename, bool enable_wal,
                          std::chrono::milliseconds busy_timeout);

}  // namespace custmgmt::detail::sqlite
