//go:build race

package allocate_test

func init() { raceEnabled = true }
