// notecheck checks Candor's signed notes with Go's golang.org/x/mod/sumdb/note,
// an implementation Candor did not write.
//
//	notecheck verify VKEY_FILE... NOTE_FILE
//	    Opens the note with every key as known. Exits 0 and prints the text
//	    on stdout if it verifies; lists "verified|unverified <name>+<hash>"
//	    on stderr, one line per signature Go kept.
//	notecheck sign SKEY_FILE... TEXT_FILE
//	    Prints the text signed with every key, in order.
//	notecheck key KEY_TEXT
//	    Parses a verifier key, or a signer key (PRIVATE+KEY+...), given as the
//	    argument itself, byte for byte; prints "<name>+<hash>".
//
// Key files are read with surrounding white space trimmed. Errors go to stderr
// as "notecheck: ..." with exit status 1.
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

func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		fail("%v", err)
	}
	return b
}

func readKey(path string) string {
	return strings.TrimSpace(string(readFile(path)))
}

func verify(keyFiles []string, noteFile string) {
	var verifiers []note.Verifier
	for _, f := range keyFiles {
		v, err := note.NewVerifier(readKey(f))
		if err != nil {
			fail("verifier key %s: %v", f, err)
		}
		verifiers = append(verifiers, v)
	}
	n, err := note.Open(readFile(noteFile), note.VerifierList(verifiers...))
	if err != nil {
		fail("open: %v", err)
	}
	os.Stdout.WriteString(n.Text)
	for _, s := range n.Sigs {
		fmt.Fprintf(os.Stderr, "verified %s+%08x\n", s.Name, s.Hash)
	}
	for _, s := range n.UnverifiedSigs {
		fmt.Fprintf(os.Stderr, "unverified %s+%08x\n", s.Name, s.Hash)
	}
}

func sign(keyFiles []string, textFile string) {
	var signers []note.Signer
	for _, f := range keyFiles {
		s, err := note.NewSigner(readKey(f))
		if err != nil {
			fail("signer key %s: %v", f, err)
		}
		signers = append(signers, s)
	}
	out, err := note.Sign(&note.Note{Text: string(readFile(textFile))}, signers...)
	if err != nil {
		fail("sign: %v", err)
	}
	os.Stdout.Write(out)
}

func parseKey(text string) {
	var name string
	var hash uint32
	if strings.HasPrefix(text, "PRIVATE+") {
		s, err := note.NewSigner(text)
		if err != nil {
			fail("signer key: %v", err)
		}
		name, hash = s.Name(), s.KeyHash()
	} else {
		v, err := note.NewVerifier(text)
		if err != nil {
			fail("verifier key: %v", err)
		}
		name, hash = v.Name(), v.KeyHash()
	}
	fmt.Printf("%s+%08x\n", name, hash)
}

func main() {
	args := os.Args[1:]
	switch {
	case len(args) >= 3 && args[0] == "verify":
		verify(args[1:len(args)-1], args[len(args)-1])
	case len(args) >= 3 && args[0] == "sign":
		sign(args[1:len(args)-1], args[len(args)-1])
	case len(args) == 2 && args[0] == "key":
		parseKey(args[1])
	default:
		fail("usage: notecheck verify VKEY_FILE... NOTE_FILE | sign SKEY_FILE... TEXT_FILE | key KEY_TEXT")
	}
}
