#include "store/transaction.h"

#include <utility>

#include "store/database.h"

namespace rocd::store {

Result<Transaction> Transaction::begin(Database& db) {
    if (db.in_transaction()) {
        return fail(Errc::internal, "a transaction is already open on " + db.path().string());
    }
    if (auto done = db.exec("BEGIN IMMEDIATE"); !done) {
        return fail(done.error().code,
                    "cannot begin a transaction on " + db.path().string() + ": " + done.error().message);
    }
    return Transaction(db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
    rollback();
}

Status Transaction::commit() {
    if (db_ == nullptr) {
        return fail(Errc::internal, "commit of a transaction that is no longer open");
    }
    if (auto done = db_->exec("COMMIT"); !done) {
        Error error {
            done.error().code, "cannot commit to " + db_->path().string() + ": " + done.error().message, {}};
        rollback();
        return tl::unexpected(std::move(error));
    }
    db_ = nullptr;
    return {};
}

void Transaction::rollback() {
    if (db_ == nullptr) {
        return;
    }
    // SQLite may already have rolled back on its own (e.g. after an I/O
    // error); ROLLBACK then fails harmlessly, hence the check.
    if (db_->in_transaction()) {
        (void)db_->exec("ROLLBACK");
    }
    db_ = nullptr;
}

} // namespace rocd::store
