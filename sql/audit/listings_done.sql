-- name: DropListings
-- Every listing of the claims in scope (audit_serials, a row per listed
-- serial) is read by matching, duplicates and nothing after them: it goes
-- before the checks, rather than weigh on them and on writing the files.
DROP TABLE audit_serials;
