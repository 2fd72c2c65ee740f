// tlogcheck verifies a Candor log's published tlog-tiles with Go's
// golang.org/x/mod/sumdb/tlog and note, implementations Candor did not write.
//
//	tlogcheck TILES_DIR VKEY_FILE [OLD_CHECKPOINT_FILE] INDEX...
//
// It opens TILES_DIR/checkpoint with the log's key, reads hash tiles through
// tlog.TileHashReader (which checks every tile against the tree hash), and for
// each INDEX proves the entry from its bundle into the tree. With an old
// checkpoint, it also proves the old tree is a prefix of the new one. It
// prints one line per proof: "inclusion <index> <base64 hash>..." and
// "consistency <old size> <new size> <base64 hash>...", then "root <base64>".
package main

import (
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "tlogcheck: "+format+"\n", args...)
	os.Exit(1)
}

// dirTiles reads C2SP tiles ("tile/<L>/<N>[.p/<W>]") from a directory.
type dirTiles struct{ dir string }

func (d dirTiles) Height() int { return 8 }

func (d dirTiles) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		// Go's path is tile/<H>/<L>/<N>[.p/<W>]; C2SP drops the height.
		p := "tile/" + strings.TrimPrefix(t.Path(), "tile/8/")
		b, err := os.ReadFile(filepath.Join(d.dir, p))
		if err != nil {
			return nil, err
		}
		out[i] = b
	}
	return out, nil
}

func (d dirTiles) SaveTiles([]tlog.Tile, [][]byte) {}

func openCheckpoint(path string, v note.Verifier) (tlog.Tree, string) {
	data, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	n, err := note.Open(data, note.VerifierList(v))
	if err != nil {
		fail("checkpoint %s: %v", path, err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != v.Name() {
		fail("checkpoint %s: malformed or wrong origin", path)
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		fail("checkpoint size: %v", err)
	}
	h, err := tlog.ParseHash(lines[2])
	if err != nil {
		fail("checkpoint root: %v", err)
	}
	return tlog.Tree{N: size, Hash: h}, lines[2]
}

// entry reads entry i from its bundle (big-endian uint16 length prefixes).
func entry(dir string, tree tlog.Tree, i int64) []byte {
	bundle := i / 256
	width := tree.N - bundle*256
	name := fmt.Sprintf("%03d", bundle%1000)
	for n := bundle / 1000; n > 0; n /= 1000 {
		name = fmt.Sprintf("x%03d/%s", n%1000, name)
	}
	if width < 256 {
		name += fmt.Sprintf(".p/%d", width)
	}
	data, err := os.ReadFile(filepath.Join(dir, "tile/entries", name))
	if err != nil {
		fail("%v", err)
	}
	for k := int64(0); ; k++ {
		if len(data) < 2 {
			fail("bundle %s truncated", name)
		}
		n := int(data[0])<<8 | int(data[1])
		if k == i%256 {
			return data[2 : 2+n]
		}
		data = data[2+n:]
	}
}

func hashes(list []tlog.Hash) string {
	var parts []string
	for _, h := range list {
		parts = append(parts, base64.StdEncoding.EncodeToString(h[:]))
	}
	return strings.Join(parts, " ")
}

func main() {
	if len(os.Args) < 3 {
		fail("usage: tlogcheck TILES_DIR VKEY_FILE [OLD_CHECKPOINT] INDEX...")
	}
	dir := os.Args[1]
	vkey, err := os.ReadFile(os.Args[2])
	if err != nil {
		fail("%v", err)
	}
	v, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		fail("verifier key: %v", err)
	}
	tree, root := openCheckpoint(filepath.Join(dir, "checkpoint"), v)
	reader := tlog.TileHashReader(tree, dirTiles{dir})

	args := os.Args[3:]
	if len(args) > 0 && !strings.ContainsAny(args[0][:1], "0123456789") {
		old, _ := openCheckpoint(args[0], v)
		args = args[1:]
		proof, err := tlog.ProveTree(tree.N, old.N, reader)
		if err != nil {
			fail("prove tree: %v", err)
		}
		if err := tlog.CheckTree(proof, tree.N, tree.Hash, old.N, old.Hash); err != nil {
			fail("check tree: %v", err)
		}
		fmt.Printf("consistency %d %d %s\n", old.N, tree.N, hashes(proof))
	}
	for _, a := range args {
		i, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			fail("index %q: %v", a, err)
		}
		proof, err := tlog.ProveRecord(tree.N, i, reader)
		if err != nil {
			fail("prove record %d: %v", i, err)
		}
		leaf := tlog.RecordHash(entry(dir, tree, i))
		if err := tlog.CheckRecord(proof, tree.N, tree.Hash, i, leaf); err != nil {
			fail("check record %d: %v", i, err)
		}
		fmt.Printf("inclusion %d %s\n", i, hashes(proof))
	}
	fmt.Printf("root %s\n", root)
}
