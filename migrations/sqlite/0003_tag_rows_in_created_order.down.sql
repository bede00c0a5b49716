-- Undoes 0003_tag_rows_in_created_order.up.sql: the tag table, its index and
-- its trigger as 0001 created them (the table is rebuilt so that its stored
-- CREATE TABLE text is 0001's again).

DROP TRIGGER customer_accounts_after_update_tag_copies;
DROP TRIGGER customer_accounts_after_update_tags;

CREATE TEMP TABLE customer_account_tags_0003 AS SELECT account_id, tag FROM customer_account_tags;

DROP TABLE customer_account_tags;

CREATE TABLE customer_account_tags (
  account_id INTEGER NOT NULL REFERENCES customer_accounts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (tag, account_id)
) WITHOUT ROWID;

INSERT INTO customer_account_tags (account_id, tag)
  SELECT account_id, tag FROM customer_account_tags_0003;

DROP TABLE temp.customer_account_tags_0003;

-- For the cascade and for re-syncing one account's tags.
CREATE INDEX idx_customer_account_tags_account_id ON customer_account_tags(account_id);

CREATE TRIGGER customer_accounts_after_update_tags AFTER UPDATE OF tags ON customer_accounts
  WHEN old.tags IS NOT new.tags
BEGIN
  DELETE FROM customer_account_tags WHERE account_id = old.id;
  INSERT OR IGNORE INTO customer_account_tags(account_id, tag)
    SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
END;
