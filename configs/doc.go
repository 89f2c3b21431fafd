// Package configs holds stcrecon's configuration: the shipped stcrecon.yaml and
// postcode -> zone table (embedded as defaults), and the typed Config they load
// into. Every figure the STC arithmetic and the checks use comes from here, so a
// change in regulation is a configuration change, not a code change.
package configs
