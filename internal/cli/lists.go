package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/screening/lists"
)

// The official addresses of the lists.
const (
	unURL   = "https://scsanctions.un.org/resources/xml/en/consolidated.xml"
	ofacURL = "https://www.treasury.gov/ofac/downloads"
)

// ofacFiles are the files of the OFAC SDN list in its legacy CSV form.
var ofacFiles = []string{"sdn.csv", "alt.csv", "add.csv"}

func newListsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "lists",
		Short: "Import, compare and fetch sanctions-list editions",
	}
	cmd.AddCommand(newListsImportCmd(), newListsDiffCmd(), newListsFetchCmd())
	return cmd
}

// byteBar returns a progress callback drawing a byte-count bar on w, and a
// function that finishes it.
func byteBar(w io.Writer, what string) (func(done, total int64), func()) {
	var b *progressbar.ProgressBar
	progress := func(done, total int64) {
		if b == nil {
			if total <= 0 {
				total = -1
			}
			b = progressbar.NewOptions64(total, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(what),
				progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
		}
		_ = b.Set64(done)
	}
	return progress, func() {
		if b != nil {
			_ = b.Finish()
		}
	}
}

// loadEdition reads an edition from path, which is a UN list XML file, an
// OFAC directory holding sdn.csv, alt.csv and add.csv (or one of those
// files), or a canonical edition JSON file as Encode writes it. An OFAC
// edition takes the date ofacDate, or, when that is empty, the day sdn.csv
// was last modified.
func loadEdition(path, ofacDate string, progress func(done, total int64)) (lists.Edition, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return lists.Edition{}, err
	}
	if fi.IsDir() || slices.Contains(ofacFiles, filepath.Base(path)) {
		dir := path
		if !fi.IsDir() {
			dir = filepath.Dir(path)
		}
		if ofacDate == "" {
			st, err := os.Stat(filepath.Join(dir, "sdn.csv"))
			if err != nil {
				return lists.Edition{}, fmt.Errorf("%s is a directory but holds no OFAC sdn.csv: %w", path, err)
			}
			ofacDate = st.ModTime().UTC().Format(time.DateOnly)
		}
		return lists.LoadOFAC(dir, ofacDate, progress)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return lists.Edition{}, err
	}
	switch t := bytes.TrimLeft(b, " \t\r\n\ufeff"); {
	case bytes.HasPrefix(t, []byte("<")):
		e, err := lists.ParseUN(bytes.NewReader(b), lists.Options{Size: int64(len(b)), Progress: progress})
		if err != nil {
			return lists.Edition{}, fmt.Errorf("%s: %w", path, err)
		}
		return e, nil
	case bytes.HasPrefix(t, []byte("{")):
		e, err := lists.Decode(b)
		if err != nil {
			return lists.Edition{}, fmt.Errorf("%s: %w", path, err)
		}
		return e, nil
	}
	return lists.Edition{}, fmt.Errorf("%s is neither a UN list (XML), an OFAC directory (sdn.csv, alt.csv, add.csv) nor an edition (JSON)", path)
}

// ListSummary is what `surety lists import` prints.
type ListSummary struct {
	Source   string         `json:"source"`
	Date     string         `json:"date"`
	Entries  int            `json:"entries"`
	Kinds    map[string]int `json:"kinds"`
	Programs map[string]int `json:"programs"`
	SHA256   string         `json:"sha256"`
	// Index is where list.adopt landed, when it was submitted.
	Index *uint64 `json:"index,omitempty"`
	ID    string  `json:"id,omitempty"`
}

func summarise(e lists.Edition, canon []byte) ListSummary {
	sum := sha256.Sum256(canon)
	s := ListSummary{Source: e.Source, Date: e.Date, Entries: len(e.Entries), Kinds: map[string]int{}, Programs: map[string]int{}, SHA256: hex.EncodeToString(sum[:])}
	for _, x := range e.Entries {
		s.Kinds[string(x.Kind)]++
		for _, p := range x.Programs {
			s.Programs[p]++
		}
	}
	return s
}

// byCount lists a count map's keys, most first, ties by name.
func byCount(m map[string]int) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int {
		if m[a] != m[b] {
			return m[b] - m[a]
		}
		return strings.Compare(a, b)
	})
	return ks
}

func newListsImportCmd() *cobra.Command {
	var format, date, outPath, server, keyPath, agr, id, author, out string
	cmd := &cobra.Command{
		Use:   "import FILE --format un-xml|ofac-csv [--date YYYY-MM-DD] [--out EDITION.json] [--server URL --key K --agreement ID]",
		Short: "Parse a list edition, summarise it, write it canonically and adopt it",
		Long: "Import parses a UN consolidated list (XML) or an OFAC SDN list (the directory\n" +
			"holding sdn.csv, alt.csv and add.csv, or sdn.csv itself) and prints its source,\n" +
			"date, SHA-256 and entries by kind and program. --out writes the canonical\n" +
			"edition, the blob the log keeps. With --server and --key it uploads that blob\n" +
			"and submits a list.adopt statement signed with the key, so that declarations\n" +
			"after it are screened against the edition. The OFAC CSV carries no date: give\n" +
			"--date, the day the list was published.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			switch {
			case format != "un-xml" && format != "ofac-csv":
				return fmt.Errorf("--format %q is not known; use un-xml or ofac-csv", format)
			case format == "ofac-csv" && date == "":
				return errors.New("--date is required for ofac-csv: the SDN CSV carries no date; give the day it was published, YYYY-MM-DD")
			}
			var k *keys.Signer
			if keyPath != "" {
				if server == "" || agr == "" {
					return errors.New("adopting an edition needs --key, --agreement and a server (--server or $SURETY_SERVER) together")
				}
				var err error
				if k, err = keys.Load(keyPath); err != nil {
					return err
				}
			}
			progress, finish := byteBar(cmd.ErrOrStderr(), "parsing")
			var e lists.Edition
			var err error
			if format == "un-xml" {
				e, err = importUN(args[0], date, progress)
			} else {
				dir := args[0]
				if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
					dir = filepath.Dir(dir)
				}
				e, err = lists.LoadOFAC(dir, date, progress)
			}
			finish()
			if err != nil {
				return err
			}
			canon, err := lists.Encode(e)
			if err != nil {
				return err
			}
			s := summarise(e, canon)
			if outPath != "" {
				if err := writeAtomic(outPath, canon); err != nil {
					return err
				}
			}
			if k != nil {
				if id == "" {
					id = "list-" + e.Source + "-" + e.Date
				}
				if author == "" {
					author = k.Name
				}
				a, err := (&app.Sender{Key: k, Author: author, Agreement: agr, Client: client.New(server)}).AdoptEdition(cmd.Context(), id, e)
				if err != nil {
					return err
				}
				s.Index, s.ID = &a.Index, id
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), s)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s %s: %d entries, sha256 %s\n", s.Source, s.Date, s.Entries, s.SHA256)
			tw := table(w)
			fmt.Fprintln(tw, "KIND\tENTRIES")
			for _, kind := range byCount(s.Kinds) {
				fmt.Fprintf(tw, "%s\t%d\n", kind, s.Kinds[kind])
			}
			fmt.Fprintln(tw, "PROGRAM\tENTRIES")
			for _, p := range byCount(s.Programs) {
				fmt.Fprintf(tw, "%s\t%d\n", p, s.Programs[p])
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if outPath != "" {
				fmt.Fprintf(w, "wrote %s\n", outPath)
			}
			if s.Index != nil {
				fmt.Fprintf(w, "adopted as %s at index %d\n", s.ID, *s.Index)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "input format: un-xml or ofac-csv")
	cmd.Flags().StringVar(&date, "date", "", "edition date, YYYY-MM-DD (required for ofac-csv; for un-xml only when the list has none)")
	cmd.Flags().StringVar(&outPath, "out", "", "write the canonical edition JSON to this file")
	cmd.Flags().StringVar(&server, "server", os.Getenv("SURETY_SERVER"), "server URL to adopt the edition on (default $SURETY_SERVER)")
	cmd.Flags().StringVar(&keyPath, "key", "", "private key file signing list.adopt")
	cmd.Flags().StringVar(&agr, "agreement", "", "agreement id (with --server)")
	cmd.Flags().StringVar(&id, "id", "", "statement id (default list-SOURCE-DATE)")
	cmd.Flags().StringVar(&author, "author", "", "author principal (default: the key's name)")
	outputFlag(cmd, &out)
	_ = cmd.MarkFlagRequired("format")
	return cmd
}

// importUN parses a UN list file, with date standing in when it has none.
func importUN(path, date string, progress func(done, total int64)) (lists.Edition, error) {
	f, err := os.Open(path)
	if err != nil {
		return lists.Edition{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return lists.Edition{}, err
	}
	e, err := lists.ParseUN(f, lists.Options{Date: date, Size: fi.Size(), Progress: progress})
	if err != nil {
		return lists.Edition{}, fmt.Errorf("%s: %w", path, err)
	}
	return e, nil
}

// writeAtomic writes data to path through a temporary file in the same
// directory, renamed over path, so that path holds either its old content
// or all of data.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// diffJSON is `surety lists diff --output json`.
type diffJSON struct {
	Old     string        `json:"old"`
	New     string        `json:"new"`
	Added   []lists.Entry `json:"added"`
	Removed []lists.Entry `json:"removed"`
	Changed []changeJSON  `json:"changed"`
}

type changeJSON struct {
	Ref     string        `json:"ref"`
	Name    string        `json:"name"`
	OldName string        `json:"old_name,omitempty"`
	Added   []lists.Alias `json:"added_aliases,omitempty"`
	Removed []lists.Alias `json:"removed_aliases,omitempty"`
}

func newListsDiffCmd() *cobra.Command {
	var out, ofacDate string
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "List the entries added, removed and renamed between two editions of a list",
		Long: "Diff compares two editions of one list by reference: entries added and\n" +
			"removed, and for entries in both, a changed primary name and the aliases\n" +
			"added and removed. OLD and NEW are UN list XML files, OFAC directories or\n" +
			"edition JSON files.",
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			var eds [2]lists.Edition
			for i, p := range args {
				var err error
				if eds[i], err = loadEdition(p, ofacDate, nil); err != nil {
					return err
				}
			}
			if eds[0].Source != eds[1].Source {
				return fmt.Errorf("%s is an edition of the %s list and %s of the %s list; compare two editions of one list", args[0], eds[0].Source, args[1], eds[1].Source)
			}
			c := lists.Diff(eds[0], eds[1])
			if out == "text" {
				_, err := io.WriteString(cmd.OutOrStdout(), c.String())
				return err
			}
			j := diffJSON{Old: c.Old, New: c.New, Added: c.Added, Removed: c.Removed, Changed: []changeJSON{}}
			for _, ch := range c.Changed {
				j.Changed = append(j.Changed, changeJSON(ch))
			}
			if j.Added == nil {
				j.Added = []lists.Entry{}
			}
			if j.Removed == nil {
				j.Removed = []lists.Entry{}
			}
			return writeJSON(cmd.OutOrStdout(), j)
		},
	}
	cmd.Flags().StringVar(&ofacDate, "ofac-date", "", "date of OFAC editions read from CSV (default: the day sdn.csv was modified)")
	outputFlag(cmd, &out)
	return cmd
}

func newListsFetchCmd() *cobra.Command {
	var source, dir, un, ofac string
	cmd := &cobra.Command{
		Use:   "fetch [--source un|ofac|all] [--dir DIR] [--un-url URL] [--ofac-url URL]",
		Short: "Download the official UN and OFAC list files",
		Long: "Fetch downloads the UN consolidated list (consolidated.xml) and the OFAC SDN\n" +
			"list (sdn.csv, alt.csv, add.csv) from their official addresses into DIR. It\n" +
			"parses what it downloaded before it replaces any file, and replaces each file\n" +
			"in one rename, so DIR never holds a partial or unreadable list.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var sources []string
			switch source {
			case "all":
				sources = []string{lists.SourceUN, lists.SourceOFAC}
			case lists.SourceUN, lists.SourceOFAC:
				sources = []string{source}
			default:
				return fmt.Errorf("--source %q is not known; use un, ofac or all", source)
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			for _, s := range sources {
				var line string
				var err error
				if s == lists.SourceUN {
					line, err = fetchUN(cmd.Context(), cmd.ErrOrStderr(), un, dir)
				} else {
					line, err = fetchOFAC(cmd.Context(), cmd.ErrOrStderr(), strings.TrimSuffix(ofac, "/"), dir)
				}
				if err != nil {
					return err
				}
				fmt.Fprintln(cmd.OutOrStdout(), line)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "all", "which list: un, ofac or all")
	cmd.Flags().StringVar(&dir, "dir", ".", "directory to write the files to")
	cmd.Flags().StringVar(&un, "un-url", unURL, "address of the UN consolidated list XML")
	cmd.Flags().StringVar(&ofac, "ofac-url", ofacURL, "address of the directory holding the OFAC sdn.csv, alt.csv and add.csv")
	return cmd
}

// fetchFile fetches url into a temporary file in dir with a progress bar on
// w and returns the file's path and size; the caller renames or removes it.
func fetchFile(ctx context.Context, w io.Writer, url, dir, name string) (string, int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return "", 0, err
	}
	req.Header.Set("User-Agent", "surety")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", 0, fmt.Errorf("fetch %s: %w", name, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", 0, fmt.Errorf("fetch %s: GET %s: %s", name, url, resp.Status)
	}
	f, err := os.CreateTemp(dir, "."+name+".*")
	if err != nil {
		return "", 0, err
	}
	pb := progressbar.NewOptions64(resp.ContentLength, progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(name),
		progressbar.OptionShowBytes(true), progressbar.OptionThrottle(100*time.Millisecond), progressbar.OptionClearOnFinish())
	n, err := io.Copy(io.MultiWriter(f, pb), resp.Body)
	_ = pb.Finish()
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err != nil {
		os.Remove(f.Name())
		return "", 0, fmt.Errorf("fetch %s: %w", name, err)
	}
	return f.Name(), n, nil
}

// fetchUN downloads the UN list into dir/consolidated.xml once it parses.
func fetchUN(ctx context.Context, w io.Writer, url, dir string) (string, error) {
	tmp, n, err := fetchFile(ctx, w, url, dir, "consolidated.xml")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp)
	e, err := lists.LoadUN(tmp, nil)
	if err != nil {
		return "", fmt.Errorf("fetch consolidated.xml from %s: not a UN list: %w", url, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "consolidated.xml")); err != nil {
		return "", err
	}
	return fmt.Sprintf("un: %s, %s, %v", filepath.Join(dir, "consolidated.xml"), byteSize(n), e), nil
}

// fetchOFAC downloads sdn.csv, alt.csv and add.csv from base into dir once
// the three parse together.
func fetchOFAC(ctx context.Context, w io.Writer, base, dir string) (string, error) {
	tmps := map[string]string{}
	defer func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}()
	var total int64
	for _, name := range ofacFiles {
		tmp, n, err := fetchFile(ctx, w, base+"/"+name, dir, name)
		if err != nil {
			return "", err
		}
		tmps[name] = tmp
		total += n
	}
	var rs [3]io.Reader
	for i, name := range ofacFiles {
		f, err := os.Open(tmps[name])
		if err != nil {
			return "", err
		}
		defer f.Close()
		rs[i] = f
	}
	// The legacy CSV carries no date; any date does to check that it parses.
	e, err := lists.ParseOFAC(rs[0], rs[1], rs[2], lists.Options{Date: time.Now().UTC().Format(time.DateOnly)})
	if err != nil {
		return "", fmt.Errorf("fetch OFAC list from %s: not an SDN list: %w", base, err)
	}
	for _, name := range ofacFiles {
		if err := os.Rename(tmps[name], filepath.Join(dir, name)); err != nil {
			return "", err
		}
		delete(tmps, name)
	}
	return fmt.Sprintf("ofac: %s {%s}, %s, %d entries", dir, strings.Join(ofacFiles, ","), byteSize(total), len(e.Entries)), nil
}

// byteSize writes a byte count in kB or MB.
func byteSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
}
