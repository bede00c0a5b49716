-- Undoes 0002_library_writes_insert_index_rows.up.sql: the AFTER INSERT
-- triggers of 0001, as they were.

CREATE TRIGGER customer_accounts_after_insert AFTER INSERT ON customer_accounts
BEGIN
  INSERT INTO customer_accounts_fts(rowid, company_name) VALUES (new.id, new.company_name);
  INSERT OR IGNORE INTO customer_account_tags(account_id, tag)
    SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
END;

CREATE TRIGGER customer_contacts_after_insert AFTER INSERT ON customer_contacts
BEGIN
  INSERT INTO customer_contacts_fts(rowid, contact_name) VALUES (new.id, new.contact_name);
END;
