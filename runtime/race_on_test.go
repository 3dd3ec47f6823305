//go:build race

package runtime

// raceEnabled is true under the race detector.
const raceEnabled = true
