-- custmgmt schema for PostgreSQL: spec/database-schema.md, unchanged where the
-- spec says something, plus what the library needs.
--
-- Runs unchanged on plain PostgreSQL and on Supabase. Where Supabase already
-- provides something (the roles `authenticated` and `service_role`, the `auth`
-- schema with `auth.users` and `auth.uid()`, the unaccent extension) it is
-- used as it is; otherwise a compatible one is created here and noted in
-- custmgmt_installed, so that the down migration removes exactly what this one
-- created and nothing it found.
--
-- Additions to the spec, and why:
-- * company_name_key / contact_name_key: search_key() of the name, computed by
--   the library; name order and relevance tiers compare it bytewise, hence
--   COLLATE "C" (the same order as SQLite's).
-- * archived_at, version (optimistic locking), phone_extension, phone_display.
-- * Name search does not use the spec's to_tsvector('english', ...) indexes
--   (kept as the spec asks): the english configuration drops stop words ("he",
--   "all") and stems ("cany" -> "cani", which misses "Canyon"), so prefixes of
--   names go missing. custmgmt_name_tsv() instead indexes the words of the name
--   as they are, case- and accent-folded, like SQLite's FTS5 unicode61
--   remove_diacritics tokenizer, and searches are prefix queries on it.
-- * The spec's primary-contact index is UNIQUE; email is unique per account
--   (case-insensitively). The backend recognises both by their names.
-- * FORCE ROW LEVEL SECURITY: the policies hold even for a table owner that
--   is not BYPASSRLS. The service role bypasses them by its BYPASSRLS
--   attribute, as on Supabase.

CREATE TABLE custmgmt_installed (object text PRIMARY KEY);

DO $do$
DECLARE
  unaccent_schema text;
  word_collation text;
  word_pattern text;
BEGIN
  -- Creating roles (BYPASSRLS in particular) needs a superuser; on Supabase
  -- and in prepared clusters they exist already.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
    CREATE ROLE authenticated NOLOGIN NOINHERIT;
    INSERT INTO custmgmt_installed VALUES ('role authenticated');
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
    CREATE ROLE service_role NOLOGIN BYPASSRLS;
    INSERT INTO custmgmt_installed VALUES ('role service_role');
  END IF;

  IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'auth') THEN
    CREATE SCHEMA auth;
    GRANT USAGE ON SCHEMA auth TO authenticated, service_role;
    INSERT INTO custmgmt_installed VALUES ('schema auth');
  END IF;
  IF to_regclass('auth.users') IS NULL THEN
    CREATE TABLE auth.users (id uuid PRIMARY KEY);
    INSERT INTO custmgmt_installed VALUES ('table auth.users');
  END IF;
  IF to_regprocedure('auth.uid()') IS NULL THEN
    -- Supabase's definition: the subject of the request's JWT claims, which
    -- the library sets per transaction with set_config(..., true). nullif
    -- because the setting reads as '' once a transaction that set it ended.
    CREATE FUNCTION auth.uid() RETURNS uuid LANGUAGE sql STABLE AS $f$
      SELECT coalesce(
        nullif(current_setting('request.jwt.claim.sub', true), ''),
        nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub'
      )::uuid
    $f$;
    INSERT INTO custmgmt_installed VALUES ('function auth.uid()');
  END IF;

  -- The audit columns reference auth.users. On Supabase that table is
  -- managed by Supabase's auth service, so a write naming an unknown user
  -- fails on the foreign key. Where this migration created auth.users it is
  -- only a registry of the users the library has seen, so the library's
  -- writes register the users they name (SECURITY DEFINER: callers need no
  -- right on auth.users).
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'table auth.users') THEN
    CREATE FUNCTION custmgmt_audit_user(u uuid) RETURNS uuid
      LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $f$
    BEGIN
      IF u IS NOT NULL THEN
        INSERT INTO auth.users (id) VALUES (u) ON CONFLICT DO NOTHING;
      END IF;
      RETURN u;
    END
    $f$;
  ELSE
    CREATE FUNCTION custmgmt_audit_user(u uuid) RETURNS uuid
      LANGUAGE sql IMMUTABLE AS $f$ SELECT u $f$;
  END IF;
  REVOKE ALL ON FUNCTION custmgmt_audit_user(uuid) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION custmgmt_audit_user(uuid) TO authenticated, service_role;

  -- unaccent is a trusted extension: the database owner may create it.
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
    EXECUTE format('CREATE EXTENSION unaccent SCHEMA %I', current_schema());
    INSERT INTO custmgmt_installed VALUES ('extension unaccent');
  END IF;
  SELECT n.nspname INTO unaccent_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
    WHERE e.extname = 'unaccent';

  -- Words are runs of Unicode letters and digits, as for FTS5's unicode61.
  -- That needs an ICU collation for lower() and the regex classes; without
  -- ICU, fall back to search_words()'s rule (ASCII letters and digits, and
  -- every non-ASCII character).
  IF EXISTS (SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu') THEN
    word_collation := 'und-x-icu';
    word_pattern := '[^[:alnum:]]+';
  ELSE
    word_collation := 'C';
    word_pattern := '[^a-z0-9\u0080-\U0010ffff]+';
  END IF;

  -- IMMUTABLE (unaccent() itself is only STABLE because it looks its
  -- dictionary up by search_path; naming the dictionary by schema removes
  -- that dependency), so that the result can be indexed.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_fold(t text) RETURNS text
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $b$ SELECT lower(%1$I.unaccent(%2$L::regdictionary, t) COLLATE %3$I) $b$
  $f$, unaccent_schema, unaccent_schema || '.unaccent', word_collation);

  -- Functions call each other by qualified name: index expressions are
  -- evaluated under whatever search_path is current (pg_dump restores with an
  -- empty one).
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_name_words(t text) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $b$ SELECT array_remove(regexp_split_to_array(%3$I.custmgmt_fold(t) COLLATE %1$I, %2$L), '') $b$
  $f$, word_collation, word_pattern, current_schema());

  -- The words of a name as a tsvector of unparsed, unstemmed lexemes.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_name_tsv(t text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $b$ SELECT array_to_tsvector(%1$I.custmgmt_name_words(t)) $b$
  $f$, current_schema());

  -- The text query of a search: every search word must be the prefix of
  -- some word of the name. A search word may fold to several words ("o’brien"
  -- -> o, brien): then, as in FTS5's phrase "o’brien"*, all but its last
  -- must be whole words. Written from folded words only, which hold no
  -- quote, backslash or space, so no user text is ever parsed as tsquery
  -- syntax. NULL when no search word folds to any word.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_prefix_query(words text[]) RETURNS tsquery
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $b$
        SELECT string_agg(
                 '''' || p.part || '''' || CASE WHEN p.i = p.n THEN ':*' ELSE '' END, ' & ')::tsquery
        FROM unnest(words) AS w,
             LATERAL (SELECT u.part, u.i, cardinality(%1$I.custmgmt_name_words(w)) AS n
                      FROM unnest(%1$I.custmgmt_name_words(w)) WITH ORDINALITY AS u(part, i)) AS p
      $b$
  $f$, current_schema());

  -- The search words that fold to no word at all (only emoji or
  -- punctuation, say): the index cannot find them, so searches compare them
  -- with the name key instead, as the SQLite backend does. NULL when none.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_unindexed_words(words text[]) RETURNS text[]
      LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
      AS $b$
        SELECT array_agg(w) FROM unnest(words) AS w
        WHERE cardinality(%1$I.custmgmt_name_words(w)) = 0
      $b$
  $f$, current_schema());
END
$do$;

-- Every update moves updated_at forward, even two updates within one
-- microsecond or within one transaction (now() would not move).
CREATE FUNCTION custmgmt_touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql AS $f$
BEGIN
  NEW.updated_at := greatest(clock_timestamp(), OLD.updated_at + interval '1 microsecond');
  RETURN NEW;
END
$f$;

CREATE TABLE customer_accounts (
  id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  company_name TEXT NOT NULL,
  company_name_key TEXT COLLATE "C" NOT NULL,
  customer_type TEXT CHECK (customer_type IN ('Residential', 'Commercial')) NOT NULL,
  billing_address JSONB DEFAULT '{}',
  service_address JSONB DEFAULT '{}',
  account_notes TEXT,
  tags TEXT[] DEFAULT '{}',
  created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
  created_by UUID REFERENCES auth.users(id),
  updated_by UUID REFERENCES auth.users(id),
  archived_at TIMESTAMP WITH TIME ZONE,
  version BIGINT NOT NULL DEFAULT 1
);

-- The spec's indexes.
CREATE INDEX idx_customer_accounts_company_name ON customer_accounts USING gin(to_tsvector('english', company_name));
CREATE INDEX idx_customer_accounts_customer_type ON customer_accounts(customer_type);
CREATE INDEX idx_customer_accounts_created_at ON customer_accounts(created_at DESC);
CREATE INDEX idx_customer_accounts_tags ON customer_accounts USING gin(tags);
-- Name search (see above), name order and relevance tiers, updated order.
CREATE INDEX idx_customer_accounts_name_words ON customer_accounts USING gin(custmgmt_name_tsv(company_name));
CREATE INDEX idx_customer_accounts_name_key ON customer_accounts(company_name_key, id);
CREATE INDEX idx_customer_accounts_updated_at ON customer_accounts(updated_at DESC);
-- The policies' (created_by = auth.uid() OR updated_by = auth.uid()) is
-- answered by a BitmapOr of these two.
CREATE INDEX idx_customer_accounts_created_by ON customer_accounts(created_by);
CREATE INDEX idx_customer_accounts_updated_by ON customer_accounts(updated_by);

CREATE TRIGGER customer_accounts_updated_at BEFORE UPDATE ON customer_accounts
  FOR EACH ROW EXECUTE FUNCTION custmgmt_touch_updated_at();

ALTER TABLE customer_accounts ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_accounts FORCE ROW LEVEL SECURITY;

CREATE POLICY "Users can view their customer accounts" ON customer_accounts
  FOR SELECT TO authenticated USING (auth.uid() = created_by OR auth.uid() = updated_by);

CREATE POLICY "Users can insert customer accounts" ON customer_accounts
  FOR INSERT TO authenticated WITH CHECK (auth.uid() = created_by);

CREATE POLICY "Users can update their customer accounts" ON customer_accounts
  FOR UPDATE TO authenticated USING (auth.uid() = created_by OR auth.uid() = updated_by);

CREATE POLICY "Users can delete their customer accounts" ON customer_accounts
  FOR DELETE TO authenticated USING (auth.uid() = created_by);

CREATE TABLE customer_contacts (
  id BIGINT PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
  customer_account_id BIGINT NOT NULL REFERENCES customer_accounts(id) ON DELETE CASCADE,
  contact_name TEXT NOT NULL,
  contact_name_key TEXT COLLATE "C" NOT NULL,
  email TEXT,
  phone TEXT,
  phone_extension TEXT,
  phone_display TEXT,
  role TEXT,
  is_primary_contact BOOLEAN DEFAULT FALSE,
  contact_notes TEXT,
  created_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE DEFAULT NOW(),
  created_by UUID REFERENCES auth.users(id),
  updated_by UUID REFERENCES auth.users(id),
  version BIGINT NOT NULL DEFAULT 1
);

-- The spec's indexes; the primary-contact one made UNIQUE.
CREATE INDEX idx_customer_contacts_account_id ON customer_contacts(customer_account_id);
CREATE INDEX idx_customer_contacts_name ON customer_contacts USING gin(to_tsvector('english', contact_name));
CREATE INDEX idx_customer_contacts_email ON customer_contacts(email);
CREATE UNIQUE INDEX idx_customer_contacts_primary ON customer_contacts(customer_account_id, is_primary_contact) WHERE is_primary_contact = true;
-- Email unique per account, case-insensitively.
CREATE UNIQUE INDEX idx_customer_contacts_email_unique
  ON customer_contacts(customer_account_id, lower(email)) WHERE email IS NOT NULL;
-- Searches: by name words, by email (compared lower-cased), by phone; the
-- per-account listing (primary first, then name).
CREATE INDEX idx_customer_contacts_name_words ON customer_contacts USING gin(custmgmt_name_tsv(contact_name));
CREATE INDEX idx_customer_contacts_name_key ON customer_contacts(contact_name_key, id);
CREATE INDEX idx_customer_contacts_email_lower ON customer_contacts(lower(email));
CREATE INDEX idx_customer_contacts_phone ON customer_contacts(phone);
CREATE INDEX idx_customer_contacts_listing
  ON customer_contacts(customer_account_id, is_primary_contact DESC, contact_name_key, id);

CREATE TRIGGER customer_contacts_updated_at BEFORE UPDATE ON customer_contacts
  FOR EACH ROW EXECUTE FUNCTION custmgmt_touch_updated_at();

ALTER TABLE customer_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE customer_contacts FORCE ROW LEVEL SECURITY;

CREATE POLICY "Users can view contacts for their customer accounts" ON customer_contacts
  FOR SELECT TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

CREATE POLICY "Users can insert contacts for their customer accounts" ON customer_contacts
  FOR INSERT TO authenticated WITH CHECK (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

CREATE POLICY "Users can update contacts for their customer accounts" ON customer_contacts
  FOR UPDATE TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

CREATE POLICY "Users can delete contacts for their customer accounts" ON customer_contacts
  FOR DELETE TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

-- The roles reach the tables only through these grants (and the policies).
GRANT SELECT, INSERT, UPDATE, DELETE ON customer_accounts, customer_contacts
  TO authenticated, service_role;
