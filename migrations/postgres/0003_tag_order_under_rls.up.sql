-- Tag searches in created order under row-level security (issue 7).
--
-- A user's search by tags (tags_any / tags_all, often with a customer type
-- and a created_at range) ordered by created_at DESC could not use the GIN
-- index on tags: && and @> are not LEAKPROOF, so under RLS PostgreSQL tests
-- them only after the policy, row by row. The plan walked
-- idx_customer_accounts_created_at and filtered every row, tens of thousands
-- of rows for a rare combination at 1M accounts.
--
-- 1. custmgmt_account_tag_keys: one row per (visible user, tag, account),
--    keyed (user_id, tag, created_at DESC, account_id DESC) and carrying the
--    account's customer_type, archived state and whole tag list, so that one
--    user's accounts with one tag come out of the index in the search's
--    order with every filter tested on the index entry. user_id takes each
--    distinct non-NULL value of created_by and updated_by: the rows of a user
--    are exactly the accounts the SELECT policy shows that user
--    (created_by = uid OR updated_by = uid). Nobody but its owner can read
--    or write it (no grants; RLS enabled with no policy).
-- 2. Statement-level AFTER INSERT / UPDATE triggers keep it equal to
--    customer_accounts (transition tables, so a bulk insert or COPY costs one
--    INSERT ... SELECT); a deleted account's rows go by ON DELETE CASCADE.
-- 3. custmgmt_account_tag_page(...): the ids of the first `n` accounts that
--    the caller (auth.uid()) can see and that match the filters, in
--    (created_at DESC, id DESC) order after the keyset position, read from
--    the table of 1. Searches join those ids back to customer_accounts,
--    where the policy and every filter are applied again.
-- docs/security.md has the argument.

CREATE TABLE custmgmt_account_tag_keys (
  user_id uuid NOT NULL,
  tag text NOT NULL,
  created_at timestamptz,
  account_id bigint NOT NULL REFERENCES customer_accounts(id) ON DELETE CASCADE,
  customer_type text NOT NULL,
  archived boolean NOT NULL,
  tags text[] NOT NULL
);
-- created_at DESC sorts NULLs first, as ORDER BY created_at DESC does.
CREATE UNIQUE INDEX custmgmt_account_tag_keys_order ON custmgmt_account_tag_keys
  (user_id, tag, created_at DESC, account_id DESC) INCLUDE (customer_type, archived, tags);
CREATE INDEX custmgmt_account_tag_keys_account ON custmgmt_account_tag_keys (account_id);
REVOKE ALL ON custmgmt_account_tag_keys FROM PUBLIC;
ALTER TABLE custmgmt_account_tag_keys ENABLE ROW LEVEL SECURITY;

DO $do$
DECLARE
  forced boolean := (SELECT relforcerowsecurity FROM pg_class
                     WHERE oid = 'customer_accounts'::regclass);
BEGIN
  -- The triggers read only their transition tables and write only the table
  -- above, which the owner (this migration's role) owns: SECURITY DEFINER
  -- lets a user's INSERT or UPDATE write rows the user cannot read.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_account_tag_keys_insert() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $b$
      BEGIN
        INSERT INTO %1$I.custmgmt_account_tag_keys
          SELECT DISTINCT u.id, t.tag, n.created_at, n.id, n.customer_type,
                 n.archived_at IS NOT NULL, n.tags
          FROM custmgmt_new_rows n, unnest(n.tags) AS t(tag),
               unnest(ARRAY[n.created_by, n.updated_by]) AS u(id)
          WHERE u.id IS NOT NULL AND t.tag IS NOT NULL;
        RETURN NULL;
      END
      $b$
  $f$, current_schema());
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_account_tag_keys_update() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
      AS $b$
      BEGIN
        -- Only accounts whose keyed columns changed (most updates change
        -- none): their rows are deleted, then written anew.
        DELETE FROM %1$I.custmgmt_account_tag_keys k
          USING custmgmt_new_rows n JOIN custmgmt_old_rows o ON o.id = n.id
          WHERE k.account_id = n.id
            AND (o.tags, o.created_at, o.customer_type, o.archived_at IS NULL, o.created_by,
                 o.updated_by)
                IS DISTINCT FROM
                (n.tags, n.created_at, n.customer_type, n.archived_at IS NULL, n.created_by,
                 n.updated_by);
        INSERT INTO %1$I.custmgmt_account_tag_keys
          SELECT DISTINCT u.id, t.tag, n.created_at, n.id, n.customer_type,
                 n.archived_at IS NOT NULL, n.tags
          FROM custmgmt_new_rows n JOIN custmgmt_old_rows o ON o.id = n.id,
               unnest(n.tags) AS t(tag), unnest(ARRAY[n.created_by, n.updated_by]) AS u(id)
          WHERE u.id IS NOT NULL AND t.tag IS NOT NULL
            AND (o.tags, o.created_at, o.customer_type, o.archived_at IS NULL, o.created_by,
                 o.updated_by)
                IS DISTINCT FROM
                (n.tags, n.created_at, n.customer_type, n.archived_at IS NULL, n.created_by,
                 n.updated_by);
        RETURN NULL;
      END
      $b$
  $f$, current_schema());

  -- The caller's visible matches, in the search's order. plan_cache_mode:
  -- the NULL tests of absent filters fold away at each call, so the range
  -- and keyset conditions become index conditions.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_account_tag_page(tags_any text[], tags_all text[], kind text,
                                              created_from timestamptz, created_to timestamptz,
                                              archived_mode int4, after_at timestamptz,
                                              after_id int8, n int8)
      RETURNS SETOF bigint
      LANGUAGE plpgsql STABLE SECURITY DEFINER ROWS 50
      SET search_path = pg_catalog, pg_temp SET plan_cache_mode = force_custom_plan
      AS $b$
      DECLARE
        uid uuid := auth.uid();
      BEGIN
        IF tags_any IS NULL AND coalesce(cardinality(tags_all), 0) = 0 THEN
          RAISE EXCEPTION 'custmgmt_account_tag_page: tags_any or tags_all must name a tag'
            USING ERRCODE = '22023';
        END IF;
        IF uid IS NULL OR n IS NULL OR n <= 0 THEN
          RETURN;
        END IF;
        -- Driven by each tag of tags_any (their ordered streams merged), else
        -- by the first tag of tags_all; the other filters are tested on the
        -- index entries. Each stream needs at most n entries.
        RETURN QUERY
          SELECT m.account_id FROM (
            SELECT DISTINCT d.account_id, d.created_at
            FROM unnest(coalesce(tags_any, tags_all[1:1])) AS t(tag),
            LATERAL (
              SELECT k.account_id, k.created_at FROM %1$I.custmgmt_account_tag_keys k
              WHERE k.user_id = uid AND k.tag = t.tag
                AND (kind IS NULL OR k.customer_type = kind)
                AND (tags_all IS NULL OR k.tags @> tags_all)
                AND (created_from IS NULL OR k.created_at >= created_from)
                AND (created_to IS NULL OR k.created_at < created_to)
                AND (CASE archived_mode WHEN 0 THEN NOT k.archived WHEN 2 THEN k.archived
                     ELSE true END)
                AND (after_id IS NULL OR (k.created_at, k.account_id) < (after_at, after_id))
              ORDER BY k.created_at DESC, k.account_id DESC LIMIT n) AS d
          ) AS m
          ORDER BY m.created_at DESC NULLS FIRST, m.account_id DESC LIMIT n;
      END
      $b$
  $f$, current_schema());

  -- The accounts already there. The owner is bound by FORCE ROW LEVEL
  -- SECURITY unless it bypasses RLS; lift it for this statement only.
  IF forced THEN
    ALTER TABLE customer_accounts NO FORCE ROW LEVEL SECURITY;
  END IF;
  INSERT INTO custmgmt_account_tag_keys
    SELECT DISTINCT u.id, t.tag, a.created_at, a.id, a.customer_type,
           a.archived_at IS NOT NULL, a.tags
    FROM customer_accounts a, unnest(a.tags) AS t(tag),
         unnest(ARRAY[a.created_by, a.updated_by]) AS u(id)
    WHERE u.id IS NOT NULL AND t.tag IS NOT NULL;
  IF forced THEN
    ALTER TABLE customer_accounts FORCE ROW LEVEL SECURITY;
  END IF;
END
$do$;

CREATE TRIGGER customer_accounts_tag_keys_insert AFTER INSERT ON customer_accounts
  REFERENCING NEW TABLE AS custmgmt_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION custmgmt_account_tag_keys_insert();
CREATE TRIGGER customer_accounts_tag_keys_update AFTER UPDATE ON customer_accounts
  REFERENCING OLD TABLE AS custmgmt_old_rows NEW TABLE AS custmgmt_new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION custmgmt_account_tag_keys_update();

REVOKE ALL ON FUNCTION custmgmt_account_tag_page(text[], text[], text, timestamptz,
  timestamptz, int4, timestamptz, int8, int8) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION custmgmt_account_tag_page(text[], text[], text, timestamptz,
  timestamptz, int4, timestamptz, int8, int8) TO authenticated, service_role;
REVOKE ALL ON FUNCTION custmgmt_account_tag_keys_insert() FROM PUBLIC;
REVOKE ALL ON FUNCTION custmgmt_account_tag_keys_update() FROM PUBLIC;
