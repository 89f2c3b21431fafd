-- name: ChangedBySuppliers
-- Claims touched by a changed supplier authorisation (panel.unauthorised_supplier):
-- a new suppliers row for a brand the claim uses, or for a supplier that
-- uploaded a ledger entry of a serial the claim lists (any entry of the
-- serial, not only the matched one: matches are not kept between runs; those
-- serials go to changed_serials). Brands and suppliers are compared by brand
-- key, as the check compares them. As for the CEC lists, a row that an
-- earlier file already held is no change. Runs only when a suppliers file is
-- new.
CREATE OR REPLACE TEMP TABLE new_supplier_rows AS
SELECT * EXCLUDE (file_id, line) FROM suppliers
WHERE file_id > getvariable('audit_since_file_id')
EXCEPT
SELECT * EXCLUDE (file_id, line) FROM suppliers
WHERE file_id <= getvariable('audit_since_file_id');

-- name: ChangedBySupplierBrands
INSERT INTO changed_claims
WITH new_brands AS (
    SELECT DISTINCT n.product, k.brand_key
    FROM new_supplier_rows n JOIN name_keys k ON k.name = n.brand
), brand_names AS (
    -- every name, as written anywhere, with the brand key of a new row's brand
    SELECT b.product, n.name
    FROM name_keys n JOIN new_brands b USING (brand_key)
), hits AS (
    SELECT claim_id, file_id FROM claims
    WHERE panel_brand IN (SELECT name FROM brand_names WHERE product = 'panel')
    UNION
    SELECT claim_id, file_id FROM claims
    WHERE inverter_manufacturer IN (SELECT name FROM brand_names WHERE product = 'inverter')
), latest AS (
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM hits)
    GROUP BY claim_id
)
SELECT DISTINCT claim_id, 'suppliers' AS trigger
FROM hits JOIN latest USING (claim_id, file_id);

-- name: ChangedBySupplierUploads
-- The serials uploaded by a supplier with a new row: the supplier names of
-- name_keys (every name in the store) with its brand key.
INSERT INTO changed_serials
WITH uploaders AS (
    SELECT n.name AS supplier_name
    FROM name_keys n
    WHERE n.brand_key IN (SELECT k.brand_key FROM new_supplier_rows r JOIN name_keys k ON k.name = r.supplier_name)
)
SELECT DISTINCT 'panel' AS component, l.serial_norm, 'suppliers' AS trigger
FROM panel_ledger l
WHERE l.supplier_name IN (SELECT supplier_name FROM uploaders);

DROP TABLE new_supplier_rows;
