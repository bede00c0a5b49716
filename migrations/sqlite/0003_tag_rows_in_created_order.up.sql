-- Tag rows carry the account's created_at and customer_type, and an index
-- walks one tag's accounts in the default search order (created_at DESC,
-- id DESC), so that a tag filter reads a page of index entries instead of
-- every account with the tag plus a sort (docs/benchmarks.md, "Targets
-- still missed"). The customer type is tested on the index entry; only the
-- entries that pass it read the account row (visibility, archived_at).
--
-- The library writes the two columns with each tag row it inserts
-- (sqlite_connection.cpp; there is no AFTER INSERT trigger, see migration
-- 0002). Anything inserting accounts with its own SQL must write
-- customer_account_tags(account_id, tag, created_at, customer_type).
-- AFTER UPDATE triggers keep the copies right when an account's tags,
-- created_at or customer_type change, also through raw SQL; `custmgmt
-- verify` reports tag rows out of sync.
--
-- SQLite cannot add a NOT NULL column without a default, so the table is
-- rebuilt: copied aside, dropped, created again and filled from the
-- accounts (only tags of existing accounts are kept, as the cascade would).

CREATE TEMP TABLE customer_account_tags_0003 AS SELECT account_id, tag FROM customer_account_tags;

DROP TABLE customer_account_tags;

CREATE TABLE customer_account_tags (
  account_id INTEGER NOT NULL REFERENCES customer_accounts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  customer_type TEXT NOT NULL,
  PRIMARY KEY (tag, account_id)
) WITHOUT ROWID;

INSERT INTO customer_account_tags (account_id, tag, created_at, customer_type)
  SELECT t.account_id, t.tag, a.created_at, a.customer_type
  FROM customer_account_tags_0003 t JOIN customer_accounts a ON a.id = t.account_id;

DROP TABLE temp.customer_account_tags_0003;

-- For the cascade and for re-syncing one account's tags.
CREATE INDEX idx_customer_account_tags_account_id ON customer_account_tags(account_id);
-- One tag's accounts in search order, with the type on the entry (the table
-- is WITHOUT ROWID: the entry also holds the key, tag and account_id).
CREATE INDEX idx_customer_account_tags_created
  ON customer_account_tags(tag, created_at DESC, account_id DESC, customer_type);

DROP TRIGGER customer_accounts_after_update_tags;

CREATE TRIGGER customer_accounts_after_update_tags AFTER UPDATE OF tags ON customer_accounts
  WHEN old.tags IS NOT new.tags
BEGIN
  DELETE FROM customer_account_tags WHERE account_id = old.id;
  INSERT OR IGNORE INTO customer_account_tags(account_id, tag, created_at, customer_type)
    SELECT new.id, value, new.created_at, new.customer_type FROM json_each(new.tags)
    WHERE type = 'text';
END;

CREATE TRIGGER customer_accounts_after_update_tag_copies
  AFTER UPDATE OF created_at, customer_type ON customer_accounts
  WHEN old.created_at IS NOT new.created_at OR old.customer_type IS NOT new.customer_type
BEGIN
  UPDATE customer_account_tags SET created_at = new.created_at, customer_type = new.customer_type
    WHERE account_id = new.id;
END;
