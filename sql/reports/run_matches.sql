-- name: ReportRunClaimSupplier
-- report_claim_supplier (panel_suppliers.sql: each claim put down to the
-- supplier most of its panel serials are put down to, ties: the first name)
-- for the claims of the audit run being published, from the run's own
-- matches: the temp table panel_matches of sql/audit/matches.sql (one row per
-- claim and panel serial, the ledger columns NULL for a serial in no entry),
-- still on the run's connection while its files are written (the audit drops
-- its step tables after publishing). Matching every claimed serial against
-- the whole ledger again (matches.sql) would repeat the audit's costliest step
-- to find the same entries, and the workbook needs only each claim's supplier,
-- so the serials are counted per claim and uploader first and the rule of
-- panel_suppliers.sql applied to the counts:
--   in an entry -> the supplier who uploaded it, by its latest name (such a
--                  serial has no panel.not_in_ledger finding: that check
--                  fires exactly for the serials in no entry);
--   in no entry -> every supplier authorised for the claim's brand on the
--                  installation date, else '(no authorised supplier)'.
CREATE OR REPLACE TEMP TABLE report_claim_supplier AS
WITH serials AS (
    SELECT m.claim_id, m.panel_brand_id, m.supplier_id, sn.name AS supplier_name, m.n
    FROM (SELECT claim_id, panel_brand_id, supplier_id, supplier_name_id, count(*) AS n
          FROM panel_matches
          GROUP BY ALL) m
    -- the uploader's name as written (matches.sql keeps its name_keys id)
    LEFT JOIN name_keys sn ON sn.name_id = m.supplier_name_id
), authorised AS (
    -- who was authorised for a brand on a day: once per distinct (brand, day)
    -- of the run's claims
    SELECT p.panel_brand_id, p.installed_on,
        string_agg(DISTINCT n.supplier_name, ' / ' ORDER BY n.supplier_name) AS names
    FROM (SELECT DISTINCT k.brand_id AS panel_brand_id, c.installed_on
          FROM report_scope r
          JOIN report_claims c USING (claim_id, file_id)
          JOIN name_keys k ON k.name = c.panel_brand) p
    JOIN report_suppliers s ON s.product = 'panel' AND s.brand_id = p.panel_brand_id
        AND p.installed_on >= s.authorised_from
        AND (s.authorised_to IS NULL OR p.installed_on <= s.authorised_to)
    JOIN report_supplier_names n ON n.supplier_key = s.supplier_key
    GROUP BY ALL
), supplied AS (
    SELECT s.claim_id, s.n,
        CASE WHEN s.supplier_id IS NOT NULL
            THEN coalesce(n.supplier_name, s.supplier_name)
            ELSE coalesce(a.names, '(no authorised supplier)') END AS supplier
    FROM serials s
    JOIN report_scope r USING (claim_id)
    JOIN report_claims c USING (claim_id, file_id)
    LEFT JOIN authorised a ON a.panel_brand_id = s.panel_brand_id AND a.installed_on = c.installed_on
    LEFT JOIN (SELECT DISTINCT brand_id, brand_key FROM name_keys) k ON k.brand_id = s.supplier_id
    LEFT JOIN report_supplier_names n ON n.supplier_key = k.brand_key
)
SELECT claim_id, supplier
FROM (SELECT claim_id, supplier, sum(n) AS n FROM supplied GROUP BY ALL)
QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY n DESC, supplier) = 1;
