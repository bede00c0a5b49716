-- Undoes 0001_customer_management_schema.up.sql: the tables (their indexes,
-- triggers and policies go with them), the functions, and of the shared
-- objects (roles, auth schema, unaccent) exactly those custmgmt_installed says
-- the up migration created.

DROP TABLE customer_contacts;
DROP TABLE customer_accounts;

DROP FUNCTION custmgmt_touch_updated_at();
DROP FUNCTION custmgmt_unindexed_words(text[]);
DROP FUNCTION custmgmt_prefix_query(text[]);
DROP FUNCTION custmgmt_name_tsv(text);
DROP FUNCTION custmgmt_name_words(text);
DROP FUNCTION custmgmt_fold(text);
DROP FUNCTION custmgmt_audit_user(uuid);

DO $do$
BEGIN
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'extension unaccent') THEN
    DROP EXTENSION unaccent;
  END IF;
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'function auth.uid()') THEN
    DROP FUNCTION auth.uid();
  END IF;
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'table auth.users') THEN
    DROP TABLE auth.users;
  END IF;
  -- Without CASCADE: if something else moved into the schema since, the
  -- rollback fails rather than destroy it.
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'schema auth') THEN
    DROP SCHEMA auth;
  END IF;
  -- Roles belong to the whole cluster: another database may use them by
  -- now, or this session may be acting as one. Then they stay, with a notice.
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'role authenticated') THEN
    BEGIN
      DROP ROLE authenticated;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'custmgmt: role authenticated kept: %', SQLERRM;
    END;
  END IF;
  IF EXISTS (SELECT 1 FROM custmgmt_installed WHERE object = 'role service_role') THEN
    BEGIN
      DROP ROLE service_role;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'custmgmt: role service_role kept: %', SQLERRM;
    END;
  END IF;
END
$do$;

DROP TABLE custmgmt_installed;
