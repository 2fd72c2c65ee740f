// notecheck checks Candor's signed notes with Go's golang.org/x/mod/sumdb/note,
// an implementation Candor did not write.
//
//	notecheck verify VKEY_FILE NOTE_FILE   exit 0 and print the text if valid
//	notecheck sign SKEY_FILE TEXT_FILE     print the signed note
package main

import (
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "notecheck: "+format+"\n", args...)
	os.Exit(1)
}

func readTrimmed(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return strings.TrimSpace(string(b))
}

func main() {
	if len(os.Args) != 4 {
		fail("usage: notecheck verify|sign KEY FILE")
	}
	data, err := os.ReadFile(os.Args[3])
	if err != nil {
		fail("%v", err)
	}
	switch os.Args[1] {
	case "verify":
		v, err := note.NewVerifier(readTrimmed(os.Args[2]))
		if err != nil {
			fail("verifier key: %v", err)
		}
		n, err := note.Open(data, note.VerifierList(v))
		if err != nil {
			fail("open: %v", err)
		}
		fmt.Print(n.Text)
	case "sign":
		s, err := note.NewSigner(readTrimmed(os.Args[2]))
		if err != nil {
			fail("signer key: %v", err)
		}
		out, err := note.Sign(&note.Note{Text: string(data)}, s)
		if err != nil {
			fail("sign: %v", err)
		}
		os.Stdout.Write(out)
	default:
		fail("unknown command %q", os.Args[1])
	}
}
