-- Undoes 0002_search_under_rls.up.sql: the matching function goes, and the
-- policies are those of 0001 again (auth.uid() evaluated per row).

DROP FUNCTION custmgmt_account_name_matches(text[]);

DROP POLICY "Users can view their customer accounts" ON customer_accounts;
CREATE POLICY "Users can view their customer accounts" ON customer_accounts
  FOR SELECT TO authenticated USING (auth.uid() = created_by OR auth.uid() = updated_by);

DROP POLICY "Users can insert customer accounts" ON customer_accounts;
CREATE POLICY "Users can insert customer accounts" ON customer_accounts
  FOR INSERT TO authenticated WITH CHECK (auth.uid() = created_by);

DROP POLICY "Users can update their customer accounts" ON customer_accounts;
CREATE POLICY "Users can update their customer accounts" ON customer_accounts
  FOR UPDATE TO authenticated USING (auth.uid() = created_by OR auth.uid() = updated_by);

DROP POLICY "Users can delete their customer accounts" ON customer_accounts;
CREATE POLICY "Users can delete their customer accounts" ON customer_accounts
  FOR DELETE TO authenticated USING (auth.uid() = created_by);

DROP POLICY "Users can view contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can view contacts for their customer accounts" ON customer_contacts
  FOR SELECT TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

DROP POLICY "Users can insert contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can insert contacts for their customer accounts" ON customer_contacts
  FOR INSERT TO authenticated WITH CHECK (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

DROP POLICY "Users can update contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can update contacts for their customer accounts" ON customer_contacts
  FOR UPDATE TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );

DROP POLICY "Users can delete contacts for their customer accounts" ON customer_contacts;
CREATE POLICY "Users can delete contacts for their customer accounts" ON customer_contacts
  FOR DELETE TO authenticated USING (
    EXISTS (
      SELECT 1 FROM customer_accounts
      WHERE id = customer_contacts.customer_account_id
      AND (created_by = auth.uid() OR updated_by = auth.uid())
    )
  );
