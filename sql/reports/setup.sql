-- name: ReportSetup
-- Helpers every report uses, as temporary objects of the report's connection
-- (reports never change the store).

-- The state or territory of an Australian postcode, by Australia Post's ranges:
--   NSW 1000-2599, 2619-2899, 2921-2999   ACT 0200-0299, 2600-2618, 2900-2920
--   VIC 3000-3999, 8000-8999              QLD 4000-4999, 9000-9999
--   SA  5000-5999                         WA  6000-6999
--   TAS 7000-7999                         NT  0800-0999
-- Anything else (and a postcode that is not four digits) is 'unknown'.
CREATE OR REPLACE TEMP MACRO postcode_state(p) AS (
    WITH n AS (SELECT try_cast(p AS INTEGER) AS v)
    SELECT CASE
        WHEN v IS NULL OR length(p) <> 4 THEN 'unknown'
        WHEN v BETWEEN 200 AND 299 OR v BETWEEN 2600 AND 2618 OR v BETWEEN 2900 AND 2920 THEN 'ACT'
        WHEN v BETWEEN 800 AND 999 THEN 'NT'
        WHEN v BETWEEN 1000 AND 2999 THEN 'NSW'
        WHEN v BETWEEN 3000 AND 3999 OR v BETWEEN 8000 AND 8999 THEN 'VIC'
        WHEN v BETWEEN 4000 AND 4999 OR v BETWEEN 9000 AND 9999 THEN 'QLD'
        WHEN v BETWEEN 5000 AND 5999 THEN 'SA'
        WHEN v BETWEEN 6000 AND 6999 THEN 'WA'
        WHEN v BETWEEN 7000 AND 7999 THEN 'TAS'
        ELSE 'unknown' END
    FROM n);

-- Names are compared by their keys (contract §3, Matching names), the ones the
-- audit uses: name_keys is filled first by the audit's own loader
-- (pipeline/audit LoadNameKeys, sql/audit/names.sql) under the configuration's
-- brand aliases and model suffixes.

-- Every supplier authorisation with the brand keys of the supplier and of the
-- brand (and the brand key's id), as the audit's audit_suppliers.
CREATE OR REPLACE TEMP TABLE report_suppliers AS
SELECT s.*, n.brand_key AS supplier_key, b.brand_key, b.brand_id
FROM suppliers s
JOIN name_keys n ON n.name = s.supplier_name
JOIN name_keys b ON b.name = s.brand;

-- The name and ABN a supplier (by brand key) goes by: its latest row in the
-- suppliers lists.
CREATE OR REPLACE TEMP TABLE report_supplier_names AS
SELECT supplier_key, supplier_name, abn
FROM report_suppliers
QUALIFY row_number() OVER (PARTITION BY supplier_key ORDER BY file_id DESC, line DESC) = 1;

-- What an unmatched serial most likely is (contract §3, sql/audit/triage.sql):
-- the class a panel.not_in_ledger or inverter.not_in_ledger detail begins
-- with ('likely typo', 'inside uploaded range', 'no similar serial'); NULL
-- for every other finding, and for details written before the triage existed.
-- Derived from the stored detail, so findings keep their contract columns.
CREATE OR REPLACE TEMP MACRO finding_triage(rule, detail) AS
    CASE WHEN rule IN ('panel.not_in_ledger', 'inverter.not_in_ledger') THEN
        CASE WHEN starts_with(detail, 'likely typo of ') THEN 'likely typo'
             WHEN starts_with(detail, 'inside uploaded range ') THEN 'inside uploaded range'
             WHEN starts_with(detail, 'no similar serial of ') THEN 'no similar serial' END END;
