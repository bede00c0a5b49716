-- Searches that use their indexes under row-level security (issue 7).
--
-- 1. The policies compare with (SELECT auth.uid()) instead of auth.uid(): the
--    same meaning, but evaluated once per statement as an InitPlan rather
--    than once per row (auth.uid() parses the JWT claims each time). This is
--    the form Supabase recommends.
-- 2. custmgmt_account_name_matches(words): the ids of the accounts visible to
--    auth.uid() (the SELECT policy's own test) whose name matches the search
--    words (custmgmt_prefix_query), found through the GIN index
--    idx_customer_accounts_name_words. Under RLS a query's own @@ cannot use
--    that index: @@ is not LEAKPROOF, so PostgreSQL evaluates it only after
--    the policy, row by row. The function runs as its owner (the migration
--    role, which bypasses RLS where this migration makes it SECURITY
--    DEFINER), applies the policy's test itself, and returns ids only;
--    searches join those ids back to customer_accounts, where the policy
--    filters every row again. docs/security.md has the argument.

DROP POLICY "Users can view their customer accounts" ON customer_accounts;
CREATE POLICY "Users can view their customer accounts" ON customer_accounts
  FOR SELECT TO authenticated
  USING ((SELECT auth.uid()) = created_by OR (SELECT auth.uid()) = updated_by);

DROP POLICY "Users can insert customer accounts" ON customer_accounts;
CREATE POLICY "Users can insert customer accounts" ON customer_accounts
  FOR INSERT TO authenticated WITH CHECK ((SELECT auth.uid()) = created_by);

DROP POLICY "Users can update their customer accounts" ON customer_accounts;
CREATE POLICY "Users can update their customer accounts" ON customer_accounts
  FOR UPDATE TO authenticated
  USING ((SELECT auth.uid()) = created_by OR (SELECT auth.uid()) = updated_by);

DROP POLICY "Users can delete their customer accounts" ON customer_accounts;
CREATE POLICY "Users can delete their customer accounts" ON customer_accounts
  FOR DELETE TO authenticated USING ((SELECT auth.uid()) = created_by);

DROP POLICY "Users can view contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can view contacts for their customer accounts" ON customer_contacts
  FOR SELECT TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = (SELECT auth.uid()) OR updated_by = (SELECT auth.uid()))
    )
  );

DROP POLICY "Users can insert contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can insert contacts for their customer accounts" ON customer_contacts
  FOR INSERT TO authenticated WITH CHECK (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = (SELECT auth.uid()) OR updated_by = (SELECT auth.uid()))
    )
  );

DROP POLICY "Users can update contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can update contacts for their customer accounts" ON customer_contacts
  FOR UPDATE TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = (SELECT auth.uid()) OR updated_by = (SELECT auth.uid()))
    )
  );

DROP POLICY "Users can delete contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can delete contacts for their customer accounts" ON customer_contacts
  FOR DELETE TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = (SELECT auth.uid()) OR updated_by = (SELECT auth.uid()))
    )
  );

DO $do$
DECLARE
  -- SECURITY DEFINER only helps when the owner is not itself subject to the
  -- policies (FORCE ROW LEVEL SECURITY binds even the table owner, and the
  -- policies name only `authenticated`): otherwise the function would see
  -- no row at all. Without such a role the function runs as its caller:
  -- still correct, the index then goes unused as before.
  definer boolean := EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user
                             AND (rolsuper OR rolbypassrls));
BEGIN
  -- Everything named by schema: the search_path is pinned to pg_catalog so
  -- that a caller cannot substitute objects.
  EXECUTE format($f$
    CREATE FUNCTION custmgmt_account_name_matches(words text[]) RETURNS SETOF bigint
      LANGUAGE plpgsql STABLE %2$s SET search_path = pg_catalog, pg_temp ROWS 100
      AS $b$
      DECLARE
        q tsquery := %1$I.custmgmt_prefix_query(words);
        uid uuid := auth.uid();
      BEGIN
        IF uid IS NULL THEN
          RETURN;
        END IF;
        IF q IS NULL THEN
          -- No search word folds to an indexable word: every visible account
          -- is a candidate; the caller compares those words with the name key.
          RETURN QUERY SELECT a.id FROM %1$I.customer_accounts a
            WHERE a.created_by = uid OR a.updated_by = uid;
        ELSE
          RETURN QUERY SELECT a.id FROM %1$I.customer_accounts a
            WHERE %1$I.custmgmt_name_tsv(a.company_name) @@ q
              AND (a.created_by = uid OR a.updated_by = uid);
        END IF;
      END
      $b$
  $f$, current_schema(), CASE WHEN definer THEN 'SECURITY DEFINER' ELSE 'SECURITY INVOKER' END);
END
$do$;

REVOKE ALL ON FUNCTION custmgmt_account_name_matches(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION custmgmt_account_name_matches(text[]) TO authenticated, service_role;
