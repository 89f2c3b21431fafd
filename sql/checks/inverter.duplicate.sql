-- name: inverter.duplicate (error)
-- The serial is in two or more distinct claims (the latest version of every
-- claim ever loaded, so an amended claim never duplicates itself), or listed
-- twice in one claim. The detail names up to five of the other claims.
SELECT claim_id, component, serial_norm AS serial_number,
    'inverter.duplicate' AS rule, 'error' AS severity,
    concat_ws('; ',
        CASE WHEN len(others) > 0 THEN 'also claimed in ' || array_to_string(others[1:5], ', ') ||
            CASE WHEN len(others) > 5 THEN ' and ' || (len(others) - 5) || ' more' ELSE '' END END,
        CASE WHEN times > 1 THEN 'listed ' || times || ' times in this claim' END) AS detail
FROM serial_duplicates
WHERE component = 'inverter';
