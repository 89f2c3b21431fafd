-- The floor stcrecon is measured against: the 18 checks of the data contract
-- as one plain DuckDB script over the CSV files of one folder, in memory, with
-- nothing around it (no store, no history, no line numbers, no reject report,
-- no output files). Run in the folder that holds the inputs and
-- postcode_zones.csv, with the configuration's brand aliases and model
-- suffixes in two tables (see plain.go); it leaves the table `findings`. Written the way a
-- competent analyst would write it by hand: read, normalise, match, check.

-- Names are compared by their keys (contract §3, Matching names): the name key
-- (case-folded, every run of other than letters and digits one space), the brand
-- key (trailing company forms dropped, then the configured aliases, given as the
-- variable `aliases`: a map from an alias's key to its brand's key) and the
-- model key (a trailing parenthesised certification designation whose key is in
-- the variable `suffixes` dropped, twice at most). The tables brand_aliases
-- (alias key, brand key) and model_suffixes (key) hold the configuration's.
SET VARIABLE aliases = (SELECT map(list(alias), list(brand)) FROM brand_aliases);
SET VARIABLE suffixes = (SELECT list(suffix) FROM model_suffixes);
CREATE MACRO nname(s) AS trim(regexp_replace(lower(s), '[^\p{L}\p{N}\p{M}]+', ' ', 'g'));
CREATE MACRO nbase(s) AS regexp_replace(nname(s),
    '( (pty|ltd|limited|co|company|corp|corporation|inc|gmbh|ag|kg|llc|plc|sa|bv|srl|spa))+$', '');
CREATE MACRO nalias(b) AS coalesce(getvariable('aliases')[b][1], b);
CREATE MACRO nbrand(s) AS nalias(nbase(s));
CREATE MACRO nsuffixless(s) AS CASE
    WHEN list_contains(getvariable('suffixes'), nname(regexp_extract(s, '\(([^()]*)\)\s*$', 1)))
     AND regexp_replace(s, '\s*\([^()]*\)\s*$', '') <> ''
    THEN regexp_replace(s, '\s*\([^()]*\)\s*$', '') ELSE s END;
CREATE MACRO nmodel(s) AS nname(nsuffixless(nsuffixless(s)));
CREATE MACRO nserial(s) AS upper(regexp_replace(s, '\s', '', 'g'));
CREATE MACRO pdate(s) AS coalesce(try_strptime(trim(s), '%Y-%m-%d'), try_strptime(trim(s), '%d/%m/%Y'))::DATE;
CREATE MACRO pts(s) AS coalesce(try_cast(trim(s) AS TIMESTAMP), try_strptime(trim(s), '%d/%m/%Y'));
CREATE MACRO sci(s) AS regexp_full_match(trim(s), '[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+');

-- Ledgers: the current entry per (brand, serial): latest upload, then later file.
CREATE TABLE panel_ledger AS
SELECT * FROM (
    SELECT filename AS file, nbrand(supplier_name) AS supplier, supplier_name AS supplier_raw,
        nbrand(coalesce(licensee, licenseecertificate_holder)) AS licensee,
        coalesce(licensee, licenseecertificate_holder) AS licensee_raw,
        nmodel(model_number) AS model, nserial(serial_number) AS serial,
        coalesce(pts(coalesce(uploaded_at, upload_date)), now()::TIMESTAMP) AS uploaded_at,
        coalesce(lower(trim(status)), 'valid') AS status, reason
    FROM read_csv('panel_ledger*.csv', all_varchar = true, union_by_name = true, normalize_names = true, filename = true)
    WHERE NOT sci(serial_number))
QUALIFY row_number() OVER (PARTITION BY licensee, serial ORDER BY uploaded_at DESC, file DESC) = 1;

CREATE TABLE inverter_ledger AS
SELECT * FROM (
    SELECT filename AS file, nbrand(coalesce(manufacturer, brand)) AS manufacturer,
        nmodel(model) AS model, nserial(serial_number) AS serial,
        coalesce(pts(coalesce(uploaded_at, upload_date)), now()::TIMESTAMP) AS uploaded_at,
        coalesce(lower(trim(status)), 'valid') AS status, reason
    FROM read_csv('inverter_ledger*.csv', all_varchar = true, union_by_name = true, normalize_names = true, filename = true)
    WHERE NOT sci(serial_number))
QUALIFY row_number() OVER (PARTITION BY manufacturer, serial ORDER BY uploaded_at DESC, file DESC) = 1;

CREATE TABLE cec_modules AS
SELECT nbrand(coalesce(licensee, licenseecertificate_holder)) AS brand, nmodel(model_number) AS model,
    try_cast(coalesce(rated_power_w, pmax_w) AS DECIMAL(10, 3)) AS watts,
    pdate(coalesce(approved_on, approval_date, cec_approved_date)) AS approved_on,
    pdate(coalesce(expires_on, expiry_date)) AS expires_on
FROM read_csv('cec_modules*.csv', all_varchar = true, union_by_name = true, normalize_names = true);

CREATE TABLE cec_inverters AS
SELECT nbrand(manufacturer) AS manufacturer, nmodel(model_number) AS model,
    pdate(approval_date) AS approved_on, pdate(expiry_date) AS expires_on
FROM read_csv('cec_inverters*.csv', all_varchar = true, union_by_name = true, normalize_names = true);

CREATE TABLE suppliers AS
SELECT nbrand(supplier_name) AS supplier, lower(trim(product)) AS product, nbrand(brand) AS brand,
    pdate(authorised_from) AS authorised_from, pdate(authorised_to) AS authorised_to
FROM read_csv('suppliers*.csv', all_varchar = true, union_by_name = true, normalize_names = true);

CREATE TABLE zones AS
SELECT * FROM read_csv('postcode_zones.csv', types = {'postcode_from': 'VARCHAR', 'postcode_to': 'VARCHAR', 'zone': 'INTEGER'});

-- Claims: typed; within a file a repeated claim_id is dropped; a row that does
-- not parse is dropped; the later file's version of a claim wins.
CREATE TABLE claims AS
WITH raw AS (
    SELECT filename AS file, row_number() OVER () AS rowno, *
    FROM read_csv('claims*.csv', all_varchar = true, union_by_name = true, normalize_names = true, filename = true)
), typed AS (
    SELECT file, rowno, trim(claim_id) AS claim_id,
        pdate(submitted_on) AS submitted_on,
        pdate(coalesce(installed_on, installation_date)) AS installed_on,
        lpad(trim(postcode), 4, '0') AS postcode,
        try_cast(trim(rated_output_kw) AS DECIMAL(12, 3)) AS kw,
        try_cast(trim(coalesce(panel_count, number_of_panels)) AS INTEGER) AS panel_count,
        coalesce(panel_brand, panel_licensee) AS panel_brand_raw, nbrand(coalesce(panel_brand, panel_licensee)) AS panel_brand,
        panel_model AS panel_model_raw, nmodel(panel_model) AS panel_model,
        nbrand(inverter_manufacturer) AS inv_manufacturer, nmodel(inverter_model) AS inv_model,
        try_cast(trim(coalesce(deeming_years, deeming_period)) AS INTEGER) AS years,
        try_cast(trim(stcs_claimed) AS INTEGER) AS stcs_claimed,
        list_filter(list_transform(regexp_split_to_array(coalesce(panel_serials, ''), '[;,|\r\n]'), x -> trim(x)), x -> x <> '') AS panels,
        list_filter(list_transform(regexp_split_to_array(coalesce(inverter_serials, ''), '[;,|\r\n]'), x -> trim(x)), x -> x <> '') AS inverters
    FROM raw
    QUALIFY row_number() OVER (PARTITION BY file, trim(claim_id) ORDER BY rowno) = 1
)
SELECT * FROM typed
WHERE submitted_on IS NOT NULL AND installed_on IS NOT NULL AND kw > 0 AND panel_count > 0
  AND years IS NOT NULL AND stcs_claimed >= 0 AND regexp_full_match(postcode, '[0-9]{4}')
  AND len(panels) > 0 AND len(inverters) > 0
  AND NOT list_bool_or(list_transform(panels || inverters, s -> sci(s)))
QUALIFY row_number() OVER (PARTITION BY claim_id ORDER BY file DESC, rowno DESC) = 1;

CREATE TABLE serials AS
SELECT claim_id, 'panel' AS component, nserial(unnest(panels)) AS serial FROM claims
UNION ALL
SELECT claim_id, 'inverter', nserial(unnest(inverters)) FROM claims;

-- STC arithmetic (contract §2) with the shipped figures.
CREATE TABLE stc AS
WITH z AS (
    SELECT c.*, year(installed_on) AS y, zn.zone,
        CASE zn.zone WHEN 1 THEN 1.622 WHEN 2 THEN 1.536 WHEN 3 THEN 1.382 WHEN 4 THEN 1.185 END::DECIMAL(9, 3) AS rating,
        CASE WHEN year(installed_on) <= 2016 THEN 15 WHEN year(installed_on) <= 2030 THEN 2031 - year(installed_on) END AS max_years
    FROM claims c LEFT JOIN zones zn ON c.postcode BETWEEN zn.postcode_from AND zn.postcode_to
)
SELECT *, (years = max_years OR (years IN (1, 5) AND years < max_years)) AS allowed,
    floor(kw * rating * CASE WHEN years = max_years OR (years IN (1, 5) AND years < max_years) THEN years ELSE max_years END)::INTEGER AS stcs
FROM z;

-- Matches: per claimed serial, the entry under the claim's brand, else the latest of another.
CREATE TABLE panel_matches AS
SELECT s.claim_id, s.serial, c.panel_brand, c.panel_model, l.*
FROM (SELECT DISTINCT claim_id, serial FROM serials WHERE component = 'panel') s
JOIN claims c USING (claim_id)
LEFT JOIN panel_ledger l ON l.serial = s.serial
QUALIFY row_number() OVER (PARTITION BY s.claim_id, s.serial
    ORDER BY (l.licensee = c.panel_brand) DESC, l.uploaded_at DESC, l.licensee) = 1;

CREATE TABLE inverter_matches AS
SELECT s.claim_id, s.serial, c.inv_manufacturer, c.inv_model, l.*
FROM (SELECT DISTINCT claim_id, serial FROM serials WHERE component = 'inverter') s
JOIN claims c USING (claim_id)
LEFT JOIN inverter_ledger l ON l.serial = s.serial
QUALIFY row_number() OVER (PARTITION BY s.claim_id, s.serial
    ORDER BY (l.manufacturer = c.inv_manufacturer) DESC, l.uploaded_at DESC, l.manufacturer) = 1;

CREATE TABLE findings AS
SELECT claim_id, 'panel' AS component, serial AS serial_number, 'panel.not_in_ledger' AS rule FROM panel_matches WHERE file IS NULL
UNION ALL SELECT claim_id, 'panel', serial, 'panel.invalid' FROM panel_matches WHERE status = 'invalid'
UNION ALL SELECT claim_id, 'panel', serial, 'panel.model_mismatch' FROM panel_matches
    WHERE file IS NOT NULL AND (licensee <> panel_brand OR model <> panel_model)
UNION ALL SELECT m.claim_id, 'panel', m.serial, 'panel.unauthorised_supplier' FROM panel_matches m
    WHERE m.file IS NOT NULL AND NOT EXISTS (SELECT 1 FROM suppliers s
        WHERE s.supplier = m.supplier AND s.product = 'panel' AND s.brand = m.licensee
          AND m.uploaded_at::DATE >= s.authorised_from AND (s.authorised_to IS NULL OR m.uploaded_at::DATE <= s.authorised_to))
UNION ALL SELECT claim_id, 'inverter', serial, 'inverter.not_in_ledger' FROM inverter_matches WHERE file IS NULL
UNION ALL SELECT claim_id, 'inverter', serial, 'inverter.invalid' FROM inverter_matches WHERE status = 'invalid'
UNION ALL SELECT claim_id, 'inverter', serial, 'inverter.model_mismatch' FROM inverter_matches
    WHERE file IS NOT NULL AND (manufacturer <> inv_manufacturer OR model <> inv_model)
UNION ALL SELECT DISTINCT s.claim_id, s.component, s.serial, s.component || '.duplicate' FROM serials s
    JOIN (SELECT component, serial FROM serials GROUP BY ALL HAVING count(*) > 1) d USING (component, serial)
UNION ALL SELECT c.claim_id, 'panel', '', 'panel.count_mismatch' FROM claims c
    WHERE c.panel_count <> (SELECT count(DISTINCT serial) FROM serials s WHERE s.claim_id = c.claim_id AND s.component = 'panel')
UNION ALL SELECT c.claim_id, 'panel', '', 'panel.not_approved' FROM claims c
    WHERE NOT EXISTS (SELECT 1 FROM cec_modules m WHERE m.brand = c.panel_brand AND m.model = c.panel_model
        AND c.installed_on BETWEEN m.approved_on AND m.expires_on)
UNION ALL SELECT c.claim_id, 'inverter', '', 'inverter.not_approved' FROM claims c
    WHERE NOT EXISTS (SELECT 1 FROM cec_inverters m WHERE m.manufacturer = c.inv_manufacturer AND m.model = c.inv_model
        AND c.installed_on BETWEEN m.approved_on AND m.expires_on)
UNION ALL SELECT claim_id, 'claim', '', 'claim.unknown_postcode' FROM stc WHERE zone IS NULL
UNION ALL SELECT claim_id, 'claim', '', 'claim.stc_overclaim' FROM stc WHERE zone IS NOT NULL AND stcs_claimed > stcs
UNION ALL SELECT claim_id, 'claim', '', 'claim.deeming_period' FROM stc WHERE NOT coalesce(allowed, false)
UNION ALL SELECT claim_id, 'claim', '', 'claim.too_large' FROM claims WHERE kw > 100
UNION ALL SELECT claim_id, 'claim', '', 'claim.late' FROM claims WHERE submitted_on > (installed_on + INTERVAL 12 MONTH)::DATE
UNION ALL SELECT c.claim_id, 'claim', '', 'claim.capacity_mismatch' FROM claims c
    WHERE EXISTS (SELECT 1 FROM cec_modules m WHERE m.brand = c.panel_brand AND m.model = c.panel_model AND m.watts IS NOT NULL)
      AND NOT EXISTS (SELECT 1 FROM cec_modules m WHERE m.brand = c.panel_brand AND m.model = c.panel_model
        AND abs(c.kw * 1000 - c.panel_count * m.watts) * 100 <= c.panel_count * m.watts);
