// tlogbench times Go's golang.org/x/mod/sumdb/tlog on the operations
// //log/merkle:merkle_benchmark times, over the same one-million-leaf tree
// (leaf i is the decimal string of i), as a peer implementation to compare
// Candor's Merkle core with. Prints one JSON object: operation -> ns/op.
//
//	tlogbench
//
// With --tiles it instead serves inclusion proofs from a C2SP tlog-tiles
// directory written by candor-log --tiles_dir (DIR/checkpoint and the hash
// tiles DIR/tile/L/N[.p/W], height 8), in process, as a peer figure for
// Candor's proof serving over gRPC on the same tree:
//
//	tlogbench --tiles DIR [--seconds 10] [--goroutines 16]
//
// Each goroutine draws leaf indices from its own fixed seed, computes the
// proof with tlog.ProveRecord over tlog.TileHashReader(checkpoint tree,
// tiles on disk), and checks it with tlog.CheckRecord against the
// checkpoint's root. Prints one JSON object.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"
)

const treeSize = 1000000

// hashes is every stored hash of the tree, in tlog's storage order.
type hashes []tlog.Hash

func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= int64(len(h)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = h[x]
	}
	return out, nil
}

func main() {
	tiles := flag.String("tiles", "", "C2SP tlog-tiles directory (candor-log --tiles_dir); "+
		"empty: time the in-memory 1M-leaf tree")
	seconds := flag.Float64("seconds", 10, "with --tiles: how long to prove")
	goroutines := flag.Int("goroutines", 16, "with --tiles: concurrent provers")
	flag.Parse()
	if *tiles != "" {
		if err := proveFromTiles(*tiles, time.Duration(*seconds*float64(time.Second)),
			*goroutines); err != nil {
			fmt.Fprintln(os.Stderr, "tlogbench:", err)
			os.Exit(1)
		}
		return
	}
	inMemory()
}

func inMemory() {
	var stored hashes
	for i := int64(0); i < treeSize; i++ {
		added, err := tlog.StoredHashes(i, []byte(strconv.FormatInt(i, 10)), stored)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tlogbench:", err)
			os.Exit(1)
		}
		stored = append(stored, added...)
	}
	root, err := tlog.TreeHash(treeSize, stored)
	if err != nil {
		fmt.Fprintln(os.Stderr, "tlogbench:", err)
		os.Exit(1)
	}
	nsPerOp := func(f func(b *testing.B)) float64 {
		r := testing.Benchmark(f)
		return float64(r.T.Nanoseconds()) / float64(r.N)
	}
	results := map[string]float64{}
	entry := make([]byte, 32)
	results["HashLeaf/32"] = nsPerOp(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tlog.RecordHash(entry)
		}
	})
	a, c := tlog.RecordHash([]byte("a")), tlog.RecordHash([]byte("b"))
	results["HashChildren"] = nsPerOp(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			a = tlog.NodeHash(a, c)
		}
	})
	rng := rand.New(rand.NewSource(1))
	results["InclusionProof"] = nsPerOp(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := tlog.ProveRecord(treeSize, rng.Int63n(treeSize), stored); err != nil {
				b.Fatal(err)
			}
		}
	})
	results["ConsistencyProof"] = nsPerOp(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := tlog.ProveTree(treeSize, 1+rng.Int63n(treeSize-1), stored); err != nil {
				b.Fatal(err)
			}
		}
	})
	const index = 123457
	proof, _ := tlog.ProveRecord(treeSize, index, stored)
	leaf := tlog.RecordHash([]byte(strconv.Itoa(index)))
	results["VerifyInclusion"] = nsPerOp(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := tlog.CheckRecord(proof, treeSize, root, index, leaf); err != nil {
				b.Fatal(err)
			}
		}
	})
	const size1 = 654321
	root1, _ := tlog.TreeHash(size1, stored)
	tproof, _ := tlog.ProveTree(treeSize, size1, stored)
	results["VerifyConsistency"] = nsPerOp(func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if err := tlog.CheckTree(tproof, treeSize, root, size1, root1); err != nil {
				b.Fatal(err)
			}
		}
	})
	out, _ := json.MarshalIndent(results, "", "  ")
	fmt.Println(string(out))
}

// tileDir is a tlog.TileReader over a C2SP tlog-tiles directory. It reads
// every requested tile from its file on each call and caches nothing (and
// tlog.TileHashReader caches nothing either: each ReadHashes reads and
// authenticates the tiles for the tree hash and the requested hashes anew),
// so every proof pays for its file reads; the kernel's page cache is the
// only cache.
type tileDir string

func (d tileDir) Height() int { return 8 }

func (d tileDir) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		// tlog names hash tiles tile/H/L/N; C2SP tlog-tiles, with H fixed at
		// 8, leaves out the H.
		path := t.Path()
		if !strings.HasPrefix(path, "tile/8/") || t.L < 0 {
			return nil, fmt.Errorf("tile %v: not a height-8 hash tile", t)
		}
		data, err := os.ReadFile(filepath.Join(string(d), "tile",
			filepath.FromSlash(strings.TrimPrefix(path, "tile/8/"))))
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (d tileDir) SaveTiles([]tlog.Tile, [][]byte) {}

// withLeaf is a tlog.HashReader that, in the same ReadHashes call
// tlog.ProveRecord makes, also reads the leaf's own hash (stored index leaf),
// so the leaf hash CheckRecord needs comes from the same authenticated tile
// reads rather than a second round of them.
type withLeaf struct {
	r        tlog.HashReader
	leaf     int64
	leafHash tlog.Hash
}

func (w *withLeaf) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	h, err := w.r.ReadHashes(append(indexes[:len(indexes):len(indexes)], w.leaf))
	if err != nil {
		return nil, err
	}
	w.leafHash = h[len(indexes)]
	return h[:len(indexes)], nil
}

// readCheckpoint parses DIR/checkpoint's note body: origin, size, base64
// root hash. The signature is not verified.
func readCheckpoint(dir string) (tlog.Tree, error) {
	text, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return tlog.Tree{}, err
	}
	body, _, _ := bytes.Cut(text, []byte("\n\n"))
	lines := strings.Split(string(body), "\n")
	if len(lines) < 3 {
		return tlog.Tree{}, errors.New("checkpoint: fewer than 3 body lines")
	}
	n, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || n < 1 {
		return tlog.Tree{}, fmt.Errorf("checkpoint: bad size %q", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return tlog.Tree{}, fmt.Errorf("checkpoint: bad root hash %q", lines[2])
	}
	tree := tlog.Tree{N: n}
	copy(tree.Hash[:], root)
	return tree, nil
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func proveFromTiles(dir string, duration time.Duration, goroutines int) error {
	tree, err := readCheckpoint(dir)
	if err != nil {
		return err
	}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		total    int64
		firstErr error
	)
	cpu0, start := cpuTime(), time.Now()
	end := start.Add(duration)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(seed int64) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed))
			reader := &withLeaf{r: tlog.TileHashReader(tree, tileDir(dir))}
			var proofs int64
			var err error
			for time.Now().Before(end) {
				index := rng.Int63n(tree.N)
				reader.leaf = tlog.StoredHashIndex(0, index)
				var proof tlog.RecordProof
				if proof, err = tlog.ProveRecord(tree.N, index, reader); err != nil {
					err = fmt.Errorf("proving %d: %w", index, err)
					break
				}
				if err = tlog.CheckRecord(proof, tree.N, tree.Hash, index,
					reader.leafHash); err != nil {
					err = fmt.Errorf("checking %d: %w", index, err)
					break
				}
				proofs++
			}
			mu.Lock()
			total += proofs
			if err != nil && firstErr == nil {
				firstErr = err
			}
			mu.Unlock()
		}(int64(g + 1))
	}
	wg.Wait()
	elapsed, cpu := time.Since(start), cpuTime()-cpu0
	if firstErr != nil {
		return firstErr
	}
	if total == 0 {
		return errors.New("no proofs in the time given")
	}
	out, _ := json.Marshal(map[string]any{
		"tree_size":         tree.N,
		"goroutines":        goroutines,
		"seconds":           elapsed.Seconds(),
		"proofs":            total,
		"proofs_per_second": float64(total) / elapsed.Seconds(),
		// The process's CPU time (user + system, all threads) per proof: what
		// one proof costs a core, however many cores ran.
		"ns_per_proof_one_core_equivalent": float64(cpu.Nanoseconds()) / float64(total),
		"cpu_seconds":                      cpu.Seconds(),
	})
	fmt.Println(string(out))
	return nil
}
