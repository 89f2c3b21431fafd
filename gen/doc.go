// Package gen generates sample inboxes for stcrecon: every input kind of the
// data contract (docs: data-contract.md §1), filled with a realistic world of
// solar installations, with faults injected at known rates, and the two
// truth files an audit of that folder must reproduce.
//
// # What it writes
//
// Generate(ctx, Options{Out, Claims, Seed, ...}) writes into Out, file names
// sorting in load order (byte order):
//
//	cec_inverters_2024.csv          CEC inverter list, real layout, d/mm/yyyy, bare models
//	cec_inverters_2025.csv          CEC inverter list, real layout, ISO dates, CRLF, "(AS4777-2 2020)"
//	cec_modules_2024.csv            module list with wattage (Licensee, Pmax (W), Approval Date, ...), bare models
//	cec_modules_2025.csv            module list in contract names (rated_power_w), "(IEC 61215-2021)"
//	cec_modules_cec_export.csv      the CEC's own export: no wattage, d/mm/yyyy, BOM, CRLF, suffixed
//	claims_YYYY_MM.csv              one batch per submission month, 2024-01 .. 2025-12
//	claims_2025_01_amend.csv        amendments: re-sent claim_ids (after claims_2025_01.csv)
//	claims_2025_03.xlsx             with Options.XLSX, this batch is a workbook instead
//	inverter_ledger_00_legacy.csv   older export: "Brand" heading, no upload date
//	inverter_ledger_01.csv          manufacturer,model,series,serial number,upload_date
//	inverter_ledger_02_status.csv   status updates: invalidations
//	inverter_ledger_03_status.csv   status updates: re-validations
//	panel_ledger_2023.csv           uploads to 2023: dates only (dd/mm/yyyy), no status column
//	panel_ledger_2024.csv           uploads in 2024, the ledger's CSV headings
//	panel_ledger_2025.csv           uploads in 2025, contract column names
//	panel_ledger_2025_status.csv    status updates and cross-registrations, BOM, CRLF
//	suppliers.csv                   authorisations (one lapsed, one starting mid-2024)
//	truth/expected_findings.csv     claim_id,component,serial_number,rule,severity,detail
//	truth/expected_rejects.csv      file,line,column,reason
//
// Names are written as in the field: the CEC lists name the legal entity
// (Jinko Solar Co Ltd, Fronius Australia Pty Ltd, CSI Solar Co Ltd) and, from
// the 2025 lists on, certification suffixes (`Primo 5.0-1 (AS4777-2 2020)`,
// `CS6R-400MS (IEC1500V) (IEC 61215-2021)`); claims and ledgers write trading
// brands and bare models (Jinko, Fronius, Canadian Solar); suppliers.csv mixes
// both. The truth compares names by key with pipeline/names under the given
// configuration's brand aliases and model suffixes, as the audit does.
//
// The truth files are in a subfolder, which ingesting the folder lists as
// ignored and does not read.
// The same seed and options give byte-identical files (math/rand/v2 PCG, no
// map order, no clock).
//
// # The world
//
// Claims are systems of 3-18 kW (a few commercial ones above 100 kW), panels
// of 390-450 W from real licensees, inverters sized to the array (micro-
// inverters for Enphase), postcodes from populated ranges of the zone table,
// installed 2024-01-01..2025-10-31 and submitted days to weeks later, deeming
// years usually the maximum, STCs usually exactly the computed figure. Every
// panel is registered in the ledger by a supplier authorised for its
// licensee on the upload day, weeks or months before installation; about a
// tenth more serials are unclaimed stock (Options.ExtraPanelSerials).
//
// Awkward but valid input (must produce no finding): names in odd case with
// extra spaces, serials lower-cased and broken by spaces, DD/MM/YYYY dates,
// BOM and CRLF files, 3-digit 08xx postcodes, serial lists split by ";", ",",
// "|", "; " or line breaks in a quoted cell, claims files with aliased
// headers in another order plus an extra column, an ABN with spaces, status
// in odd case or blank.
//
// # Faults and traps
//
// Claims are allotted by exact counts (rate × claims, at least one each from
// 200 claims) to one fault each, per 10 000 claims: 150 each of
// panel.not_in_ledger, panel.invalid, panel.unauthorised_supplier,
// panel.model_mismatch, panel.duplicate, panel.count_mismatch,
// claim.stc_overclaim and claim.capacity_mismatch; 100 each of
// panel.not_approved, inverter.not_in_ledger, inverter.invalid,
// inverter.model_mismatch, inverter.not_approved, inverter.duplicate,
// claim.deeming_period and claim.late; 50 of claim.too_large.
// claim.unknown_postcode is never injected (the shipped zone table has no
// gaps). Traps (20-30 per 10 000 each) are edges that must NOT be reported:
// exactly 100 kW, STCs that are whole numbers (float rounding), capacity off
// by less than 1 %, capacity off on a model without wattage, submission on
// the last day of the clamped window, invalidations later re-validated,
// invalidations older than the current entry, a serial also registered under
// another licensee, underclaims. Each kind has variants (see faults.go).
// A serial in no ledger entry (*.not_in_ledger) is one of three, a third
// each, so every triage class of contract §3 shows: the installer mistyped a
// serial (a digit read as a letter, or left out; the right serial stays in
// the ledger, unclaimed), the supplier's upload left the serial out (its
// neighbours are in the ledger), or a made-up serial far below any the
// brand uploads. The truth names the class (triage.go) by the contract's
// words: every one-edit variant looked up, neighbours found by number.
//
// Rows written to be rejected, 1 + claims/25 000 of each: a claim with
// installed_on 2025-13-45, a claim with rated_output_kw like "6.6kW", a claim
// row re-using a claim_id earlier in the same file, and a panel-ledger row
// whose serial a spreadsheet turned into 8.12346E+11 (a claimed serial, which
// is therefore in no loaded entry: panel.not_in_ledger). The rejected claims
// copy a neighbour's serials, which must count for nothing.
//
// The amendment file re-sends about 3 % of the claims before it: some fix
// their fault (the row as it was before the fault), some introduce one
// (overclaim, bad deeming period, a dropped serial, wrong capacity, another
// claim's serial), some change nothing a check sees.
//
// # The truth
//
// expected_findings.csv is not taken from the fault plan. After the world is
// finished, truth.go runs the contract's checks over what an ingest loads:
// the latest version of every claim (the amendment file replaces), no
// rejected row, no mangled ledger row. So findings are exact where faults
// interact (a duplicated serial held by a donor claim flags both claims; a
// serial listed twice also breaks panel_count; a deeming period figured into
// the STCs also overclaims). Semantics, as decided for stcrecon:
//
//   - Serials compare normalised (trim, upper-case, no white space); names
//     trimmed, white space collapsed, lower-cased. serial_number in the
//     findings is the normalised serial, empty for claim-level findings.
//   - Ledger: the current entry per (licensee, serial) / (manufacturer,
//     serial) is the latest uploaded_at, ties to the later file (then the
//     later line). An undated row loads with the ingest time, later than
//     every dated row; the generator never gives such a serial a second row.
//     A claimed serial matches its claim's brand's current entry; only if
//     there is none, the latest current entry of another brand
//     (model_mismatch). No entry at all: not_in_ledger, and no other ledger
//     check for that serial. invalid: matched entry invalid. model_mismatch:
//     its licensee or model differs. unauthorised_supplier: no suppliers row
//     with product panel, brand = the entry's licensee, supplier = the
//     entry's supplier and authorised_from <= upload date <= authorised_to
//     (blank = open).
//   - duplicate: a serial in two or more distinct claims flags each of them,
//     once per serial; listed twice in one claim flags that claim (and
//     panel.count_mismatch, since panel_count counts distinct serials).
//   - not_approved: no CEC window approved_on <= installed_on <= expires_on
//     for (brand, model) over all list files; series ignored.
//   - claim.stc_overclaim: stcs_claimed > floor(kW × zone rating × years),
//     years = deeming_years if allowed for the installation year, else the
//     maximum; integers only. claim.late: submitted_on > installed_on + the
//     claim window in months, the day clamped to the month's end.
//     claim.capacity_mismatch (warning): |kW - n × W / 1000| > 1 % of
//     n × W / 1000, W from any CEC row with a wattage; skipped without one.
//   - At most one finding per (claim_id, rule, serial_number); sorted by
//     claim_id, rule, serial_number.
//
// expected_rejects.csv lists each deliberately invalid row: its file, its
// physical line (header = 1; a quoted line break makes a record span lines),
// the column as headed in that file, and a reason.
//
// The tests re-read the files with an independent reader and re-run the
// checks (refaudit_test.go); they must agree with both truth files.
package gen
