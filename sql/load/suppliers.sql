-- name: CheckSuppliers
CREATE OR REPLACE TEMP TABLE checked AS
SELECT line,
    cell(supplier_name) AS supplier_name,
    regexp_replace(cell(abn), '\s', '', 'g') AS abn,
    lower(cell(product)) AS product,
    cell(brand) AS brand,
    parse_date(authorised_from) AS authorised_from,
    parse_date(authorised_to) AS authorised_to,
    list_filter([
        required('supplier_name', supplier_name),
        CASE WHEN cell(abn) IS NOT NULL AND NOT abn_valid(regexp_replace(cell(abn), '\s', '', 'g'))
            THEN problem('abn', abn, 'not a valid ABN: 11 digits with valid check digits') END,
        required('product', product),
        CASE WHEN lower(cell(product)) NOT IN ('panel', 'inverter')
            THEN problem('product', product, 'product must be panel or inverter') END,
        required('brand', brand),
        required('authorised_from', authorised_from),
        bad_date('authorised_from', authorised_from),
        bad_date('authorised_to', authorised_to),
        CASE WHEN parse_date(authorised_to) < parse_date(authorised_from)
            THEN problem('authorised_to', authorised_to, 'authorisation ends before it starts') END
    ], p -> p IS NOT NULL) AS problems
FROM stage;

-- name: CheckSuppliersProblems
-- The rows with a problem: they are rejects, not loaded.
CREATE OR REPLACE TEMP TABLE bad AS
SELECT line, problems FROM checked WHERE len(problems) > 0;

-- name: LoadSuppliers
INSERT INTO suppliers
SELECT f.file_id, line,
    supplier_name, norm_name(supplier_name),
    abn, product,
    brand, norm_name(brand),
    authorised_from, authorised_to
FROM checked CROSS JOIN stage_file f
WHERE len(problems) = 0
ORDER BY line;
