-- name: ChangedBySuppliers
-- Claims touched by a changed supplier authorisation (panel.unauthorised_supplier):
-- a new suppliers row for a brand the claim uses, or for a supplier that
-- uploaded a ledger entry of a serial the claim lists (any entry of the
-- serial, not only the matched one: matches are not kept between runs).
-- Brands and suppliers are compared by brand key, as the check compares them.
-- As for the CEC lists, a row that an earlier file already held is no change.
INSERT INTO changed_claims
WITH new_rows AS (
    SELECT * EXCLUDE (file_id, line) FROM suppliers
    WHERE file_id > (SELECT since_file_id FROM scope_params)
    EXCEPT
    SELECT * EXCLUDE (file_id, line) FROM suppliers
    WHERE file_id <= (SELECT since_file_id FROM scope_params)
), new_brands AS (
    SELECT DISTINCT n.product, k.brand_key
    FROM new_rows n JOIN name_keys k ON k.name = n.brand
), new_suppliers AS (
    SELECT DISTINCT k.brand_key AS supplier_key
    FROM new_rows n JOIN name_keys k ON k.name = n.supplier_name
), uploaders AS (
    -- the supplier names, as written in the ledger, that have one of those keys
    SELECT DISTINCT l.supplier_name
    FROM (SELECT DISTINCT supplier_name FROM panel_ledger) l
    JOIN name_keys k ON k.name = l.supplier_name
    SEMI JOIN new_suppliers s ON s.supplier_key = k.brand_key
), uploaded AS (
    SELECT DISTINCT 'panel' AS component, l.serial_norm
    FROM panel_ledger l
    SEMI JOIN uploaders USING (supplier_name)
)
SELECT c.claim_id, 'suppliers' AS trigger
FROM claims_current c
JOIN name_keys k ON k.name = c.panel_brand
SEMI JOIN new_brands b ON b.product = 'panel' AND b.brand_key = k.brand_key
UNION
SELECT c.claim_id, 'suppliers' AS trigger
FROM claims_current c
JOIN name_keys k ON k.name = c.inverter_manufacturer
SEMI JOIN new_brands b ON b.product = 'inverter' AND b.brand_key = k.brand_key
UNION
SELECT s.claim_id, 'suppliers' AS trigger
FROM claim_serials_current s
SEMI JOIN uploaded USING (component, serial_norm);
