-- Undoes 0001_customer_management_schema.up.sql, dependants first.
--
-- SQLite created sqlite_sequence for the AUTOINCREMENT tables; it refuses to
-- drop that table ("may not be dropped"), but DROP TABLE removes the rows of
-- the dropped tables from it, so it is left empty.

DROP TRIGGER customer_contacts_after_update_name;
DROP TRIGGER customer_contacts_after_delete;
DROP TRIGGER customer_contacts_after_insert;
DROP TRIGGER customer_accounts_after_update_tags;
DROP TRIGGER customer_accounts_after_update_name;
DROP TRIGGER customer_accounts_after_delete;
DROP TRIGGER customer_accounts_after_insert;

DROP TABLE customer_contacts_fts;
DROP TABLE customer_accounts_fts;

DROP INDEX idx_customer_contacts_email_unique;
DROP INDEX idx_customer_contacts_primary;
DROP INDEX idx_customer_contacts_phone;
DROP INDEX idx_customer_contacts_email;
DROP INDEX idx_customer_contacts_account_id;
DROP TABLE customer_contacts;

DROP INDEX idx_customer_account_tags_account_id;
DROP TABLE customer_account_tags;

DROP INDEX idx_customer_accounts_updated_by;
DROP INDEX idx_customer_accounts_created_by;
DROP INDEX idx_customer_accounts_name_key;
DROP INDEX idx_customer_accounts_updated_at;
DROP INDEX idx_customer_accounts_created_at;
DROP INDEX idx_customer_accounts_customer_type;
DROP TABLE customer_accounts;
