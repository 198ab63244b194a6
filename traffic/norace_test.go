//go:build !race

package traffic

// raceEnabled says the race detector is on: the large tests read fewer entries.
const raceEnabled = false
