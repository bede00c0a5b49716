-- Undoes 0003_tag_order_under_rls.up.sql: the triggers, the functions and the
-- tag key table go; tag searches walk customer_accounts again.

DROP TRIGGER customer_accounts_tag_keys_update ON customer_accounts;
DROP TRIGGER customer_accounts_tag_keys_insert ON customer_accounts;
DROP FUNCTION custmgmt_account_tag_page(text[], text[], text, timestamptz, timestamptz, int4,
                                        timestamptz, int8, int8);
DROP FUNCTION custmgmt_account_tag_keys_update();
DROP FUNCTION custmgmt_account_tag_keys_insert();
DROP TABLE custmgmt_account_tag_keys;
