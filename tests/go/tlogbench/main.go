// tlogbench times Go's golang.org/x/mod/sumdb/tlog on the operations
// //log/merkle:merkle_benchmark times, over the same one-million-leaf tree
// (leaf i is the decimal string of i), as a peer implementation to compare
// Candor's Merkle core with. Prints one JSON object: operation -> ns/op.
//
//	tlogbench
package main

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"strconv"
	"testing"

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
