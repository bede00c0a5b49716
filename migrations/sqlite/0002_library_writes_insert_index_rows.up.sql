-- The library writes the FTS5 rows and the tag rows of new accounts and
-- contacts itself, right after each INSERT (sqlite_connection.cpp), instead
-- of through AFTER INSERT triggers.
--
-- Why: a statement with a trigger (or with RETURNING, or INSERT … SELECT)
-- runs with a statement journal, and SQLite then opens a savepoint on every
-- FTS5 table already written in the transaction; FTS5 answers a savepoint by
-- flushing its pending terms into a new index segment. With the triggers
-- every inserted row therefore wrote (and later merged) a segment of its
-- own: ≈ 16 µs per row against ≈ 2.6 µs when plain single-row statements
-- let FTS5 buffer a whole transaction (docs/benchmarks.md, import section).
--
-- The UPDATE and DELETE triggers stay: they also serve the ON DELETE
-- CASCADE from accounts to contacts, and updates are rare next to inserts.
-- Anything inserting rows into customer_accounts or customer_contacts with
-- its own SQL must now write the matching customer_accounts_fts /
-- customer_contacts_fts and customer_account_tags rows too (`custmgmt
-- verify` reports FTS rows out of sync).

DROP TRIGGER customer_contacts_after_insert;
DROP TRIGGER customer_accounts_after_insert;
