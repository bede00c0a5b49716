-- custmgmt schema, SQLite dialect of spec/database-schema.md.
--
-- Departures from the PostgreSQL spec, and why:
-- * Timestamps are INTEGER microseconds since the Unix epoch (UTC): SQLite has
--   no timestamp type, and integers compare, index and round-trip exactly.
-- * JSONB becomes TEXT holding JSON (checked with json_valid); TEXT[] tags
--   become a JSON array plus the customer_account_tags side table, kept in
--   sync by triggers, so that tag filters use an index instead of scanning
--   every row's JSON.
-- * GIN full-text indexes become FTS5 external-content tables kept in sync by
--   triggers. The tokenizer settings here must match the ones the backend
--   uses to pre-check query words (src/backends/sqlite/sqlite_fts.cpp).
-- * No RLS in SQLite: the backend adds the spec's visibility predicates to
--   every statement (src/backends/sqlite/sqlite_statements.cpp).
-- * Added columns: *_name_key (the search_key() of the name, used for name
--   order and relevance tiers), archived_at, version (optimistic locking),
--   contacts' phone_extension and phone_display, and email_key.
-- * Emails are unique per account case-insensitively. SQLite's lower() folds
--   only ASCII, so the backend stores email_key, the address case-folded by
--   FTS5's Unicode tables (sqlite_tokenizer.cpp), and the unique index and
--   email search use that instead of lower(email).
-- * AUTOINCREMENT so that ids are never reused: a reused id could let a stale
--   reference or cursor hit a different account.

CREATE TABLE customer_accounts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  company_name TEXT NOT NULL,
  company_name_key TEXT NOT NULL,
  customer_type TEXT NOT NULL CHECK (customer_type IN ('Residential', 'Commercial')),
  billing_address TEXT NOT NULL DEFAULT '{}'
    CHECK (json_valid(billing_address) AND json_type(billing_address) = 'object'),
  service_address TEXT NOT NULL DEFAULT '{}'
    CHECK (json_valid(service_address) AND json_type(service_address) = 'object'),
  account_notes TEXT,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags) AND json_type(tags) = 'array'),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by TEXT,
  updated_by TEXT,
  archived_at INTEGER,
  version INTEGER NOT NULL DEFAULT 1
);

CREATE INDEX idx_customer_accounts_customer_type ON customer_accounts(customer_type);
-- With id so that the (created_at DESC, id DESC) orders of search need no
-- sort; read backwards they serve the ascending order too.
CREATE INDEX idx_customer_accounts_created_at ON customer_accounts(created_at DESC, id DESC);
CREATE INDEX idx_customer_accounts_updated_at ON customer_accounts(updated_at DESC, id DESC);
CREATE INDEX idx_customer_accounts_name_key ON customer_accounts(company_name_key);
-- The visibility predicate (created_by = :uid OR updated_by = :uid) can be
-- answered by a union of these two.
CREATE INDEX idx_customer_accounts_created_by ON customer_accounts(created_by);
CREATE INDEX idx_customer_accounts_updated_by ON customer_accounts(updated_by);

CREATE TABLE customer_account_tags (
  account_id INTEGER NOT NULL REFERENCES customer_accounts(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (tag, account_id)
) WITHOUT ROWID;

-- For the cascade and for re-syncing one account's tags.
CREATE INDEX idx_customer_account_tags_account_id ON customer_account_tags(account_id);

CREATE TABLE customer_contacts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  customer_account_id INTEGER NOT NULL REFERENCES customer_accounts(id) ON DELETE CASCADE,
  contact_name TEXT NOT NULL,
  contact_name_key TEXT NOT NULL,
  email TEXT,
  email_key TEXT CHECK ((email IS NULL) = (email_key IS NULL)),
  phone TEXT,
  phone_extension TEXT,
  phone_display TEXT,
  role TEXT,
  is_primary_contact INTEGER NOT NULL DEFAULT 0 CHECK (is_primary_contact IN (0, 1)),
  contact_notes TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  created_by TEXT,
  updated_by TEXT,
  version INTEGER NOT NULL DEFAULT 1
);

-- Also serves the per-account listing (primary first, then by name).
CREATE INDEX idx_customer_contacts_account_id
  ON customer_contacts(customer_account_id, is_primary_contact DESC, contact_name_key);
-- On email_key rather than email because searches compare case-insensitively.
CREATE INDEX idx_customer_contacts_email ON customer_contacts(email_key);
CREATE INDEX idx_customer_contacts_phone ON customer_contacts(phone);
-- The backend tells violations of the next two apart by the columns SQLite
-- names in the error (sqlite_error.cpp).
CREATE UNIQUE INDEX idx_customer_contacts_primary
  ON customer_contacts(customer_account_id) WHERE is_primary_contact = 1;
CREATE UNIQUE INDEX idx_customer_contacts_email_unique
  ON customer_contacts(customer_account_id, email_key) WHERE email_key IS NOT NULL;

CREATE VIRTUAL TABLE customer_accounts_fts USING fts5(
  company_name,
  content = 'customer_accounts',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

CREATE VIRTUAL TABLE customer_contacts_fts USING fts5(
  contact_name,
  content = 'customer_contacts',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2',
  prefix = '2 3'
);

-- External-content FTS5 tables must be told the old text to delete it, so
-- every change of a name goes through 'delete' + insert.
CREATE TRIGGER customer_accounts_after_insert AFTER INSERT ON customer_accounts
BEGIN
  INSERT INTO customer_accounts_fts(rowid, company_name) VALUES (new.id, new.company_name);
  INSERT OR IGNORE INTO customer_account_tags(account_id, tag)
    SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
END;

CREATE TRIGGER customer_accounts_after_delete AFTER DELETE ON customer_accounts
BEGIN
  INSERT INTO customer_accounts_fts(customer_accounts_fts, rowid, company_name)
    VALUES ('delete', old.id, old.company_name);
  -- Also done by the cascade; repeated so that a connection with
  -- foreign_keys off cannot leave stale tags behind.
  DELETE FROM customer_account_tags WHERE account_id = old.id;
END;

CREATE TRIGGER customer_accounts_after_update_name AFTER UPDATE OF company_name ON customer_accounts
  WHEN old.company_name IS NOT new.company_name
BEGIN
  INSERT INTO customer_accounts_fts(customer_accounts_fts, rowid, company_name)
    VALUES ('delete', old.id, old.company_name);
  INSERT INTO customer_accounts_fts(rowid, company_name) VALUES (new.id, new.company_name);
END;

CREATE TRIGGER customer_accounts_after_update_tags AFTER UPDATE OF tags ON customer_accounts
  WHEN old.tags IS NOT new.tags
BEGIN
  DELETE FROM customer_account_tags WHERE account_id = old.id;
  INSERT OR IGNORE INTO customer_account_tags(account_id, tag)
    SELECT new.id, value FROM json_each(new.tags) WHERE type = 'text';
END;

CREATE TRIGGER customer_contacts_after_insert AFTER INSERT ON customer_contacts
BEGIN
  INSERT INTO customer_contacts_fts(rowid, contact_name) VALUES (new.id, new.contact_name);
END;

CREATE TRIGGER customer_contacts_after_delete AFTER DELETE ON customer_contacts
BEGIN
  INSERT INTO customer_contacts_fts(customer_contacts_fts, rowid, contact_name)
    VALUES ('delete', old.id, old.contact_name);
END;

CREATE TRIGGER customer_contacts_after_update_name AFTER UPDATE OF contact_name ON customer_contacts
  WHEN old.contact_name IS NOT new.contact_name
BEGIN
  INSERT INTO customer_contacts_fts(customer_contacts_fts, rowid, contact_name)
    VALUES ('delete', old.id, old.contact_name);
  INSERT INTO customer_contacts_fts(rowid, contact_name) VALUES (new.id, new.contact_name);
END;
