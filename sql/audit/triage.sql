-- What an unmatched serial most likely is (contract §3): for every serial of
-- this run that is in no ledger entry (panel_matches / inverter_matches rows
-- with ledger_file_id IS NULL), the first class that holds:
--   1. likely typo of S: a ledger serial S of the claim's brand key (inverters: its
--      manufacturer) is one substitution, insertion, deletion or swap of two
--      adjacent characters away, and the current version of no claim lists S,
--   2. inside uploaded range A..B of SUPPLIER: ledger serials A and B of the
--      claim's brand with the serial's prefix and digit count, its number
--      strictly between theirs, B − A ≤ 1,000, and one supplier uploaded both,
--   3. neither (the checks then say "no similar serial of BRAND").
-- Prefix and digit count: a serial's number is its trailing run of digits; the
-- prefix is everything before that run and the digit count is its length
-- (JK0012 has prefix JK, 4 digits, number 12; 12-AB has no number). A digit
-- run longer than 38 digits takes part in no range. "Ledger serial" means any
-- ledger row ever loaded, valid or invalid. Several typo candidates: the first
-- in byte order is named; several ranges: the narrowest, then by supplier.
--
-- Speed: the missing serials are few, the ledger is millions of rows, so no
-- missing serial is compared with every ledger serial. Each ledger row is
-- looked up by four keys (hash joins), each a necessary condition for one
-- zone of positions where the single edit can be, with n the length of the
-- missing serial and i the position of the edit (0-based):
--   probe 1: same length (±1) and equal but for the last 4 characters: i ≥ n−3
--            (also finds the neighbours of a range: both lie in the buckets of
--            number − 999 and number + 999),
--   probe 2: equal but for the last 6 characters, and the last 2 equal: n−5 ≤ i ≤ n−4,
--   probe 3: equal but for the last 8 characters, and the last 4 equal: n−7 ≤ i ≤ n−6,
--   probe 4: the last 6 characters equal: i ≤ n−8.
-- (An edit at i leaves a common prefix of at least i characters and a common
-- suffix of at least n−i−2.) damerau_levenshtein then confirms exactly one
-- edit. A probe's bucket holds at most 10,000 consecutive numbers.

-- name: TriageMissing
-- The serials to triage, once per (component, brand key, serial), with their
-- prefix, digits and number.
CREATE OR REPLACE TEMP TABLE triage_missing AS
WITH m AS (
    SELECT DISTINCT 'panel' AS component, panel_brand_key AS brand_key, serial_norm
    FROM panel_matches WHERE ledger_file_id IS NULL
    UNION
    SELECT DISTINCT 'inverter', inverter_manufacturer_key, serial_norm
    FROM inverter_matches WHERE ledger_file_id IS NULL
), parts AS (
    SELECT *, length(serial_norm) AS n, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM m
)
SELECT component, brand_key, serial_norm, n, digits,
    left(serial_norm, n - length(digits)) AS prefix,
    try_cast(digits AS HUGEINT) AS number
FROM parts;

-- name: TriageKeys
-- The lookup keys of each missing serial (see above): for probes 1 to 3 one
-- key per possible length of S (n − 1, n, n + 1); for ranges the two buckets
-- of probe 1 that hold number − 999 and number + 999.
CREATE OR REPLACE TEMP TABLE triage_keys AS
SELECT DISTINCT * FROM (
    SELECT m.component, m.brand_key, m.serial_norm, p.probe,
        left(m.serial_norm, greatest(m.n + d.d - p.cut, 0)) AS head,
        right(m.serial_norm, p.keep) AS tail
    FROM triage_missing m,
        (VALUES (1, 4, 0), (2, 6, 2), (3, 8, 4)) p(probe, cut, keep),
        (VALUES (-1), (0), (1)) d(d)
    UNION ALL
    SELECT component, brand_key, serial_norm, 1,
        left(prefix || lpad((number + d.d)::VARCHAR, length(digits)::INTEGER, '0'), greatest(n - 4, 0)), ''
    FROM triage_missing, (VALUES (-999), (999)) d(d)
    WHERE number IS NOT NULL AND number + d.d >= 0 AND length((number + d.d)::VARCHAR) <= length(digits)
    UNION ALL
    SELECT component, brand_key, serial_norm, 4, '', right(serial_norm, 6)
    FROM triage_missing
);

-- name: TriageLedger
-- One pass over each ledger keeps the rows that share some key with a
-- missing serial, whatever their brand (a few hundred thousand of millions);
-- only these get the brand keys of their licensee and supplier. A key's
-- length gives the ledger serial's length, so that is not compared.
CREATE OR REPLACE TEMP TABLE triage_ledger AS
WITH panels AS (
    SELECT licensee, serial_norm, supplier_name
    FROM panel_ledger
    WHERE left(serial_norm, -4) IN (SELECT head FROM triage_keys WHERE component = 'panel' AND probe = 1)
        OR left(serial_norm, -6) || right(serial_norm, 2) IN (SELECT head || tail FROM triage_keys WHERE component = 'panel' AND probe = 2)
        OR left(serial_norm, -8) || right(serial_norm, 4) IN (SELECT head || tail FROM triage_keys WHERE component = 'panel' AND probe = 3)
        OR right(serial_norm, 6) IN (SELECT tail FROM triage_keys WHERE component = 'panel' AND probe = 4)
), inverters AS (
    SELECT manufacturer, serial_norm
    FROM inverter_ledger
    WHERE left(serial_norm, -4) IN (SELECT head FROM triage_keys WHERE component = 'inverter' AND probe = 1)
        OR left(serial_norm, -6) || right(serial_norm, 2) IN (SELECT head || tail FROM triage_keys WHERE component = 'inverter' AND probe = 2)
        OR left(serial_norm, -8) || right(serial_norm, 4) IN (SELECT head || tail FROM triage_keys WHERE component = 'inverter' AND probe = 3)
        OR right(serial_norm, 6) IN (SELECT tail FROM triage_keys WHERE component = 'inverter' AND probe = 4)
)
SELECT 'panel' AS component, b.brand_key, p.serial_norm, s.brand_key AS supplier_key, p.supplier_name
FROM panels p
JOIN name_keys b ON b.name = p.licensee
JOIN name_keys s ON s.name = p.supplier_name
UNION ALL
SELECT 'inverter', b.brand_key, i.serial_norm, NULL, NULL
FROM inverters i
JOIN name_keys b ON b.name = i.manufacturer;

-- name: TriageNear
-- The ledger serials of the same brand that share a key with a missing serial.
CREATE OR REPLACE TEMP TABLE triage_near AS
WITH keyed AS (
    SELECT l.*, p.probe, CASE p.probe
            WHEN 1 THEN left(l.serial_norm, -4)
            WHEN 2 THEN left(l.serial_norm, -6) || right(l.serial_norm, 2)
            WHEN 3 THEN left(l.serial_norm, -8) || right(l.serial_norm, 4)
            ELSE right(l.serial_norm, 6) END AS key
    FROM triage_ledger l, (VALUES (1), (2), (3), (4)) p(probe)
)
SELECT DISTINCT k.component, k.brand_key, k.serial_norm, k.probe, l.serial_norm AS near, l.supplier_key, l.supplier_name
FROM keyed l JOIN triage_keys k
    ON l.component = k.component AND l.brand_key = k.brand_key AND l.probe = k.probe AND l.key = k.head || k.tail;

-- name: SerialTriage
-- One row per missing serial: the typo it most likely is, else the range it
-- most likely fell out of; both NULL when neither holds.
CREATE OR REPLACE TEMP TABLE serial_triage AS
WITH edits AS (
    -- exactly one substitution, insertion, deletion or adjacent swap away
    SELECT DISTINCT component, brand_key, serial_norm, near
    FROM triage_near
    WHERE CASE length(near) - length(serial_norm)
        -- same length: one substitution, or a swap (two mismatches; the cheap
        -- hamming count spares most pairs the costlier damerau_levenshtein)
        WHEN 0 THEN CASE hamming(near, serial_norm)
            WHEN 1 THEN true
            WHEN 2 THEN damerau_levenshtein(near, serial_norm) = 1
            ELSE false END
        WHEN 1 THEN damerau_levenshtein(near, serial_norm) = 1
        WHEN -1 THEN damerau_levenshtein(near, serial_norm) = 1
        ELSE false END
), claimed AS (
    -- the candidates that the current version of some claim lists
    SELECT DISTINCT s.component, s.serial_norm AS near
    FROM (SELECT * FROM claim_serials SEMI JOIN edits e
          ON claim_serials.component = e.component AND claim_serials.serial_norm = e.near) s
    JOIN claims_current c USING (claim_id, file_id)
), typos AS (
    SELECT component, brand_key, serial_norm, min(near) AS typo_of
    FROM edits ANTI JOIN claimed USING (component, near)
    GROUP BY ALL
), neighbours AS (
    -- ledger serials with the same prefix and digit count, per supplier
    SELECT n.component, n.brand_key, n.serial_norm, n.supplier_key,
        max(n.near) FILTER (WHERE n.near < n.serial_norm) AS lo,
        min(n.near) FILTER (WHERE n.near > n.serial_norm) AS hi,
        min(n.supplier_name) AS supplier_name,
        any_value(m.prefix) AS prefix
    FROM triage_near n JOIN triage_missing m USING (component, brand_key, serial_norm)
    WHERE n.probe = 1 AND m.number IS NOT NULL AND length(n.near) = m.n
        AND starts_with(n.near, m.prefix)
        AND regexp_full_match(substr(n.near, length(m.prefix) + 1), '[0-9]+')
    GROUP BY ALL
), ranges AS (
    SELECT component, brand_key, serial_norm, lo AS range_from, hi AS range_to, supplier_name AS range_supplier
    FROM neighbours
    WHERE lo IS NOT NULL AND hi IS NOT NULL
        AND try_cast(substr(hi, length(prefix) + 1) AS HUGEINT) - try_cast(substr(lo, length(prefix) + 1) AS HUGEINT) <= 1000
    QUALIFY row_number() OVER (PARTITION BY component, brand_key, serial_norm
        ORDER BY try_cast(substr(hi, length(prefix) + 1) AS HUGEINT) - try_cast(substr(lo, length(prefix) + 1) AS HUGEINT),
            supplier_name, lo) = 1
)
SELECT m.component, m.brand_key, m.serial_norm, t.typo_of,
    r.range_from, r.range_to, r.range_supplier
FROM triage_missing m
LEFT JOIN typos t USING (component, brand_key, serial_norm)
LEFT JOIN ranges r USING (component, brand_key, serial_norm);
