// Package reports reads the store and writes files for people and other tools:
// the audit run's findings.csv, claims.csv, rejects.csv and audit.xlsx (data
// contract §4). It never changes the store.
package reports
