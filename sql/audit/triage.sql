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
-- missing serial is compared with every ledger serial, and no serial text of
-- the ledgers or of the claims' listings is read (DuckDB 1.1 reads a column
-- of every row it scans: it cannot fetch rows by id). A ledger serial S one
-- edit from a missing serial m ends in the same 8 characters as m, or as one
-- edit of m's last 9 characters that touches their last 8 (an edit further
-- left leaves the last 8 alone): a few hundred short keys per m. Of a long m
-- (8 characters or more), an edit of its last 3 characters leaves all but the
-- last 3 of S equal to all but the last 2, 3 or 4 of m: three buckets of
-- serials stand for the 250 keys of those edits. A range's ends lie within
-- 999 of m's number, so in one of three buckets of 1,000 numbers. The
-- ledgers keep, as integers, the exact code of their serials' last 8
-- characters (tail_key: tail_code, sql/schema/16_serial_codes.sql), the hash
-- of all but their last 3 (bucket_key: text_key, 12_serial_keys.sql) and the
-- number of their last 3 digits (tail3, 13_triage_keys.sql); the claims'
-- listings keep the hash of their serial (claim_serials.serial_key). So the
-- ledger rows near a missing serial are found by joining integer columns to
-- the keys coded (tail_code) and buckets hashed (text_key) here, and the
-- serial such a row holds is told back from m and the row's keys
-- (TriageNear).
--
-- What that rests on (bucket_key and serial_key are 64-bit hashes: two texts
-- can share one; tail_key is exact):
--   - the serial told back for a ledger row has both the row's tail_key and
--     its bucket_key, which together cover every character, so a wrong one
--     would end in the row's 8 characters and share the hash of the rest;
--   - "no claim lists S" is decided by serial_key alone: a false "listed"
--     needs one of the listings to share a 64-bit key with one of the few
--     candidates, odds of about (listings × candidates) / 2^64, about 3 in
--     10^9 for 62 million listings and a thousand candidates. It could only
--     turn a "likely typo" into a range or "no similar serial".
-- Whether a claimed serial is in the ledger (the finding) never rests on a
-- key; only this explanation of a missing one does. The text of each
-- candidate told back is then checked: hamming and
-- damerau_levenshtein one edit, the prefix and digits a range. Both stay
-- small for dense ledgers too: a key matches about one serial of a brand, a
-- bucket at most 1,000.

-- name: TriageMissing
-- The serials to triage, once per (component, brand key, serial), with their
-- prefix, digits and number. A serial's brand key is told from the claim's
-- brand id that panel_matches and inverter_matches carry (brand ids number
-- the brand keys, sql/audit/names.sql): joining the million panel_matches rows
-- to audit_claims by claim_id would read every row's claim_id text.
CREATE OR REPLACE TEMP TABLE triage_missing AS
WITH m AS (
    SELECT 'panel' AS component, k.brand_key, p.serial_norm
    FROM (SELECT DISTINCT panel_brand_id, serial_norm FROM panel_matches WHERE ledger_file_id IS NULL) p
    LEFT JOIN (SELECT DISTINCT brand_id, brand_key FROM name_keys) k ON k.brand_id = p.panel_brand_id
    UNION
    SELECT 'inverter', k.brand_key, i.serial_norm
    FROM (SELECT DISTINCT inverter_manufacturer_id, serial_norm FROM inverter_matches WHERE ledger_file_id IS NULL) i
    LEFT JOIN (SELECT DISTINCT brand_id, brand_key FROM name_keys) k ON k.brand_id = i.inverter_manufacturer_id
), parts AS (
    SELECT *, length(serial_norm) AS n, regexp_extract(serial_norm, '[0-9]+$') AS digits FROM m
)
SELECT row_number() OVER () AS mid, component, brand_key, serial_norm, n, digits,
    left(serial_norm, n - length(digits)) AS prefix,
    try_cast(digits AS HUGEINT) AS number
FROM parts;

-- name: TriageBuckets
-- The buckets of serials (all but their last 3 characters) to look in, kept
-- as their integer keys (text_key, as the ledgers' bucket_key), with m's
-- component, and as text (bucket):
--   range: every ledger serial with m's prefix and digit count within 999 of
--     its number lies in one of three buckets of 1,000 numbers: equal but for
--     the last 3 characters to m, to m's number − 999 or to m's number + 999.
--   typo (m of 8 characters or more): a serial S one edit from m, the edit in
--     m's last 3 characters, is the bucket of all but m's last 3 (a
--     substitution or swap), 2 (an insertion) or 4 (a deletion) characters,
--     then 3 characters one edit from the rest of m (tail). Shorter serials
--     take tail keys for those edits too (TriageRows): their buckets would be
--     the short heads that many serials share.
CREATE OR REPLACE TEMP TABLE triage_buckets AS
SELECT DISTINCT mid, component, probe, bucket, tail, text_key(bucket) AS bucket_key
FROM (
    SELECT mid, component, 'range' AS probe,
        left(prefix || lpad((number + d.d)::VARCHAR, length(digits)::INTEGER, '0'), -3) AS bucket, NULL AS tail
    FROM triage_missing, (VALUES (-999), (0), (999)) d(d)
    WHERE number IS NOT NULL AND number + d.d >= 0 AND length((number + d.d)::VARCHAR) <= length(digits)
    UNION ALL
    SELECT mid, component, 'typo', left(serial_norm, -k), right(serial_norm, k)
    FROM triage_missing, range(2, 5) r(k)
    WHERE n >= 8);

-- name: TriageRows
-- The ledger rows whose tail_key is one of the typo keys (probe 'typo') or
-- whose bucket_key is one of triage_buckets (its probe), of the missing
-- serials of that ledger's component, with their integer keys, their brand,
-- and for a range row its tail3 and supplier: one pass over each ledger's
-- integer key columns and its names for both probes (panel_near,
-- inverter_near; at SF=50 two joins straight on each ledger ran on one
-- thread, 1.9 s against 1.0; at SF=1 they cost 0.1 s less CPU), never over
-- the text of the serials.
--
-- The typo keys of each missing serial m (keys): m's own last 8 characters
-- (edit 'own'), and the last 8 of each substitution ('sub'), insertion
-- ('ins'), deletion ('del') or adjacent swap ('swap') in t, m's last 9
-- characters, at a place i of t that changes them, with the character c
-- put in, so that the full serial a row found stands for can be told back
-- (TriageNear). Of a serial of 8 characters or more, the edits of its last 3
-- characters are left out: its typo buckets find them (TriageBuckets). Kept
-- as integer codes (tail_code, as the ledgers' tail_key), with m's
-- component. A key may repeat (an insertion next to the same
-- character), and nothing downstream counts them. They are about 650 per
-- missing serial of fewer than 8 characters, 640 of them substitutions and
-- insertions of one of the 40 characters a serial may hold (contract §1),
-- and about 410 per longer one (650,000 at SF=1): the size of the join's
-- hash table is most of what the probe costs.
-- Those are made from their last 8 characters alone, as the text before c
-- and the text after it (tails), coded once per place (tail_parts) and
-- joined to each character: a key is two multiplications and two additions
-- on those codes and c's byte, no text at all. The keys are made here
-- rather than stored: each ledger's join takes the keys of its own component
-- straight into its hash table, and no text is made for the million keys
-- that find nothing: the edited text is told back for the few rows found
-- (measured at SF=1 with hashed keys: the keys alone took 0.08 s so,
-- against 0.19 s for editing the whole of t for each key, then taking its
-- last 8).
CREATE OR REPLACE TEMP TABLE triage_rows AS
WITH m AS (
    -- t, its length n, and the first place of t that an edit in the last 3
    -- characters of a long serial takes (buckets: n - 3; none: n + 1)
    SELECT mid, component, right(serial_norm, 9) AS t, length(right(serial_norm, 9)) AS n,
        CASE WHEN length(serial_norm) >= 8 THEN length(right(serial_norm, 9)) - 3 ELSE 10 END AS b
    FROM triage_missing
), alpha AS (
    SELECT c, ascii(c)::UBIGINT AS byte
    FROM (SELECT unnest(string_split('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./_', '')) AS c)
), tails AS (
    -- substitution of t[i] (i 0-based), i in the last 8: the last 8 of the
    -- result are t's from place n - 8 up to i, c, then t's after i
    SELECT mid, component, 'sub' AS edit, i, right(left(t, i), i - (n - 8)) AS before, substr(t, i + 2) AS after
    FROM m, range(0, 9) p(i) WHERE i < n AND i >= n - 8 AND i < b
    UNION ALL -- insertion of c before t[i] (i = n appends): the result has n + 1 characters
    SELECT mid, component, 'ins', i, right(left(t, i), i - (n - 7)), substr(t, i + 1)
    FROM m, range(0, 10) p(i) WHERE i <= n AND i > n - 8 AND i < b + 1
), tail_parts AS (
    -- the code of before || c || after (8 characters) is that of before
    -- shifted past c and after, plus c's byte shifted past after, plus that
    -- of after (a code is the bytes as one base-256 number, tail_code): so
    -- each key is two multiplications, not a text and its hex digits
    SELECT mid, component, edit, i,
        tail_code(before) AS before_code, tail_code(after) AS after_code,
        1::UBIGINT << (8 * length(after)) AS after_scale
    FROM tails
), keys AS MATERIALIZED (
    -- (the texts first, then their codes: tail_code names its argument
    -- three times, and each would make the text again)
    SELECT mid, component, edit, i, c, tail_code(k) AS tail_key FROM (
        SELECT mid, component, 'own' AS edit, NULL::BIGINT AS i, NULL::VARCHAR AS c, t AS k FROM m
        UNION ALL -- deletion of t[i], i in the last 8
        SELECT mid, component, 'del', i, NULL, left(t, i) || substr(t, i + 2)
        FROM m, range(0, 9) p(i) WHERE i < n AND i >= n - 8 AND i < b - 1
        UNION ALL -- swap of t[i] and t[i + 1] (each touches the last 8 of t)
        SELECT mid, component, 'swap', i, NULL, left(t, i) || substr(t, i + 2, 1) || substr(t, i + 1, 1) || substr(t, i + 3)
        FROM m, range(0, 9) p(i) WHERE i < n - 1 AND i < b)
    UNION ALL
    SELECT mid, component, edit, i, c, (before_code * 256 + byte) * after_scale + after_code
    FROM tail_parts, alpha
), panel_near AS MATERIALIZED (
    -- the ledger rows that a typo key or a bucket of a missing serial of the
    -- ledger's component holds (MATERIALIZED: both probes read them)
    SELECT tail_key, bucket_key, tail3, licensee, supplier_name
    FROM panel_ledger
    WHERE tail_key IN (SELECT tail_key FROM keys WHERE component = 'panel')
        OR bucket_key IN (SELECT bucket_key FROM triage_buckets WHERE component = 'panel')
), inverter_near AS MATERIALIZED (
    SELECT tail_key, bucket_key, tail3, manufacturer
    FROM inverter_ledger
    WHERE tail_key IN (SELECT tail_key FROM keys WHERE component = 'inverter')
        OR bucket_key IN (SELECT bucket_key FROM triage_buckets WHERE component = 'inverter')
)
SELECT 'panel' AS component, 'typo' AS probe, k.mid, k.edit, k.i, k.c, NULL::VARCHAR AS bucket, NULL::VARCHAR AS tail,
    l.tail_key, l.bucket_key, NULL::SMALLINT AS tail3, l.licensee AS brand, NULL::VARCHAR AS supplier_name
FROM panel_near l JOIN keys k USING (tail_key)
WHERE k.component = 'panel'
UNION ALL
SELECT 'panel', b.probe, b.mid, NULL, NULL, NULL, b.bucket, b.tail, l.tail_key, l.bucket_key, l.tail3, l.licensee, l.supplier_name
FROM panel_near l JOIN triage_buckets b USING (bucket_key)
WHERE b.component = 'panel'
UNION ALL
SELECT 'inverter', 'typo', k.mid, k.edit, k.i, k.c, NULL, NULL, l.tail_key, l.bucket_key, NULL, l.manufacturer, NULL
FROM inverter_near l JOIN keys k USING (tail_key)
WHERE k.component = 'inverter'
UNION ALL
SELECT 'inverter', b.probe, b.mid, NULL, NULL, NULL, b.bucket, b.tail, l.tail_key, l.bucket_key, l.tail3, l.manufacturer, NULL
FROM inverter_near l JOIN triage_buckets b USING (bucket_key)
WHERE b.component = 'inverter';

-- name: TriageNear
-- Those rows' serials, told back from the missing serial and the two keys of
-- the row, of the same brand key as the missing serial, with the brand key of
-- the supplier that uploaded them (panels). The serial a row stands for is
-- certain where both its keys equal those of one candidate text: a row's
-- tail_key and bucket_key, the code of its last 8 and the hash of all but
-- its last 3 characters, together cover every character of it, so a wrong
-- candidate would end in the same 8 characters and share the hash of the
-- rest.
--   typo, an edit of t: m's characters before t (head9), then t with that
--     edit made (the edit, place i and character c the row was found by),
--   typo, own key: the row ends in m's last 8, so it is one edit of m's
--     characters before them (h) followed by them: each such edit is tried,
--     joined to the row by the bucket key it would have,
--   typo, bucket: the bucket, then the row's tail3 when its last 3
--     characters are all digits, else each 3 characters one edit from the
--     bucket's tail is tried,
--   range, m's digit count 3 or more: the bucket, then the row's tail3 (its
--     last 3 characters, all digits),
--   range, fewer digits: each serial of m's prefix and digit count is tried.
-- SerialTriage then checks on the text as before: one edit away (typo); the
-- prefix, digit count and distance (range).
CREATE OR REPLACE TEMP TABLE triage_near AS
WITH m AS (
    SELECT *, left(serial_norm, greatest(n - 9, 0)) AS head9, right(serial_norm, 9) AS t,
        left(serial_norm, greatest(n - 8, 0)) AS h
    FROM triage_missing
), own_hits AS (
    SELECT DISTINCT r.component, r.mid FROM triage_rows r WHERE r.probe = 'typo' AND r.edit = 'own'
), alpha AS (
    SELECT unnest(string_split('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-./_', '')) AS c
), heads AS (
    -- the edits of h of the missing serials with own-key rows, with the
    -- bucket key each would have: a row is matched on it (a substitution of
    -- a character by itself is m, which no row holds)
    SELECT mid, component, near, text_key(left(near, -3)) AS bucket_key FROM (
        SELECT mid, component, hv || right(serial_norm, 8) AS near FROM (
            SELECT m.mid, m.component, m.serial_norm, left(h, p.i) || a.c || substr(h, p.i + 2) AS hv
            FROM m SEMI JOIN own_hits USING (component, mid), LATERAL (SELECT unnest(range(0, length(h))) AS i) p, alpha a
            UNION ALL
            SELECT m.mid, m.component, m.serial_norm, left(h, p.i) || a.c || substr(h, p.i + 1)
            FROM m SEMI JOIN own_hits USING (component, mid), LATERAL (SELECT unnest(range(0, length(h) + 1)) AS i) p, alpha a
            UNION ALL
            SELECT m.mid, m.component, m.serial_norm, left(h, p.i) || substr(h, p.i + 2)
            FROM m SEMI JOIN own_hits USING (component, mid), LATERAL (SELECT unnest(range(0, length(h))) AS i) p
            UNION ALL
            SELECT m.mid, m.component, m.serial_norm, left(h, p.i) || substr(h, p.i + 2, 1) || substr(h, p.i + 1, 1) || substr(h, p.i + 3)
            FROM m SEMI JOIN own_hits USING (component, mid), LATERAL (SELECT unnest(range(0, length(h) - 1)) AS i) p
        ))
), other_ends AS (
    -- the typo buckets with rows whose last 3 characters are not all digits
    SELECT DISTINCT component, mid, tail FROM triage_rows
    WHERE probe = 'typo' AND bucket IS NOT NULL AND tail3 IS NULL
), bucket_ends AS (
    -- every 3 characters (x) one edit from the tail of such a bucket
    SELECT component, mid, tail, x FROM (
        SELECT component, mid, tail, left(tail, i) || c || substr(tail, i + 2) AS x
        FROM other_ends, range(0, 4) p(i), alpha WHERE i < length(tail)
        UNION ALL
        SELECT component, mid, tail, left(tail, i) || c || substr(tail, i + 1)
        FROM other_ends, range(0, 5) p(i), alpha WHERE i <= length(tail)
        UNION ALL
        SELECT component, mid, tail, left(tail, i) || substr(tail, i + 2)
        FROM other_ends, range(0, 4) p(i) WHERE i < length(tail)
        UNION ALL
        SELECT component, mid, tail, left(tail, i) || substr(tail, i + 2, 1) || substr(tail, i + 1, 1) || substr(tail, i + 3)
        FROM other_ends, range(0, 3) p(i) WHERE i < length(tail) - 1)
    WHERE length(x) = 3
), small AS (
    -- every serial of the prefix and digit count of a missing serial with 1 or 2 digits
    SELECT m.mid, m.component, m.prefix || lpad(k.k::VARCHAR, length(m.digits)::INTEGER, '0') AS near
    FROM m, LATERAL (SELECT unnest(range(0, CASE WHEN length(m.digits) < 3 THEN (10 ^ length(m.digits))::BIGINT ELSE 0 END)) AS k) k
    WHERE m.number IS NOT NULL AND length(m.digits) < 3
), hits AS (
    SELECT r.component, r.probe, r.mid, r.brand, r.supplier_name,
        m.head9 || CASE r.edit
            WHEN 'sub' THEN left(m.t, r.i) || r.c || substr(m.t, r.i + 2)
            WHEN 'ins' THEN left(m.t, r.i) || r.c || substr(m.t, r.i + 1)
            WHEN 'del' THEN left(m.t, r.i) || substr(m.t, r.i + 2)
            WHEN 'swap' THEN left(m.t, r.i) || substr(m.t, r.i + 2, 1) || substr(m.t, r.i + 1, 1) || substr(m.t, r.i + 3)
        END AS near,
        r.bucket_key, NULL::UBIGINT AS tail_key
    FROM triage_rows r JOIN m USING (component, mid)
    WHERE r.probe = 'typo' AND r.edit IN ('sub', 'ins', 'del', 'swap')
    UNION ALL
    SELECT r.component, r.probe, r.mid, r.brand, r.supplier_name, h.near, NULL, NULL
    FROM triage_rows r JOIN heads h USING (component, mid, bucket_key)
    WHERE r.probe = 'typo' AND r.edit = 'own'
    UNION ALL
    SELECT r.component, r.probe, r.mid, r.brand, r.supplier_name, r.bucket || lpad(r.tail3::VARCHAR, 3, '0'), NULL, r.tail_key
    FROM triage_rows r
    WHERE r.probe = 'typo' AND r.bucket IS NOT NULL AND r.tail3 IS NOT NULL
        -- most of a bucket's rows are no edit of m (S is one edit of m
        -- exactly when its last 3 are one edit of the bucket's tail)
        AND damerau_levenshtein(lpad(r.tail3::VARCHAR, 3, '0'), r.tail) = 1
    UNION ALL
    SELECT r.component, r.probe, r.mid, r.brand, r.supplier_name, r.bucket || e.x, NULL, r.tail_key
    FROM triage_rows r JOIN bucket_ends e USING (component, mid, tail)
    WHERE r.probe = 'typo' AND r.bucket IS NOT NULL AND r.tail3 IS NULL
    UNION ALL
    SELECT r.component, r.probe, r.mid, r.brand, r.supplier_name, r.bucket || lpad(r.tail3::VARCHAR, 3, '0'), NULL, r.tail_key
    FROM triage_rows r JOIN m USING (component, mid)
    WHERE r.probe = 'range' AND length(m.digits) >= 3 AND r.tail3 IS NOT NULL
    UNION ALL
    SELECT r.component, r.probe, r.mid, r.brand, r.supplier_name, s.near, r.bucket_key, r.tail_key
    FROM triage_rows r JOIN small s USING (component, mid)
    WHERE r.probe = 'range'
)
SELECT m.component, m.brand_key, m.serial_norm, h.probe, h.near,
    s.brand_key AS supplier_key, h.supplier_name
FROM hits h
JOIN triage_missing m ON m.mid = h.mid AND m.component = h.component
JOIN name_keys b ON b.name = h.brand AND b.brand_key = m.brand_key
LEFT JOIN name_keys s ON s.name = h.supplier_name
WHERE (h.bucket_key IS NULL OR h.bucket_key = text_key(left(h.near, -3)))
    AND (h.tail_key IS NULL OR h.tail_key = tail_code(h.near));

-- name: SerialTriage
-- One row per missing serial: the typo it most likely is, else the range it
-- most likely fell out of; both NULL when neither holds.
CREATE OR REPLACE TEMP TABLE serial_triage AS
WITH edits AS (
    -- exactly one substitution, insertion, deletion or adjacent swap away
    SELECT DISTINCT component, brand_key, serial_norm, near
    FROM triage_near
    WHERE probe = 'typo' AND CASE length(near) - length(serial_norm)
        -- same length: one substitution, or a swap (two mismatches; the cheap
        -- hamming count spares most pairs the costlier damerau_levenshtein)
        WHEN 0 THEN CASE hamming(near, serial_norm)
            WHEN 1 THEN true
            WHEN 2 THEN damerau_levenshtein(near, serial_norm) = 1
            ELSE false END
        WHEN 1 THEN damerau_levenshtein(near, serial_norm) = 1
        WHEN -1 THEN damerau_levenshtein(near, serial_norm) = 1
        ELSE false END
), found AS MATERIALIZED (
    -- every listing of a candidate's serial key, in any version of a claim,
    -- found by the integer serial_key alone (MATERIALIZED: read twice below,
    -- claim_serials is scanned once, and the component is compared only on
    -- the few listings found, not hashed with the key of every listing)
    SELECT s.claim_id, s.file_id, s.component, e.component AS near_component, e.near
    FROM claim_serials s JOIN (SELECT DISTINCT component, near, text_key(near) AS serial_key FROM edits) e
        USING (serial_key)
), listed AS (
    SELECT claim_id, file_id, component, near FROM found WHERE component = near_component
), latest AS (
    -- the current version (the latest file) of just the claims found, never
    -- the current version of every claim
    SELECT claim_id, max(file_id) AS file_id
    FROM claims
    WHERE claim_id IN (SELECT claim_id FROM listed)
    GROUP BY claim_id
), claimed AS (
    -- the candidates that the current version of some claim lists
    SELECT DISTINCT component, near
    FROM listed JOIN latest USING (claim_id, file_id)
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
    WHERE n.probe = 'range' AND m.number IS NOT NULL AND length(n.near) = m.n
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

-- name: DropTriageSteps
-- The working tables go as soon as serial_triage is made.
DROP TABLE triage_buckets;
DROP TABLE triage_rows;
DROP TABLE triage_near;
DROP TABLE triage_missing;
