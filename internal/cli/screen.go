package cli

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/screening/lists"
	"github.com/surety/surety/internal/screening/names"
)

func newScreenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "screen",
		Short: "Screen names against the sanctions lists",
	}
	cmd.AddCommand(newScreenNameCmd(), newScreenScoreCmd())
	return cmd
}

func newScreenNameCmd() *cobra.Command {
	var listPaths []string
	var limit int
	var threshold float64
	var out, ofacDate string
	cmd := &cobra.Command{
		Use:   `name "NAME" [--list FILE...] [--limit N] [--threshold T]`,
		Short: "Rank the listed entries whose names match NAME",
		Long: "Name searches the lists for NAME and prints the entries that match, best\n" +
			"first: score, list, reference, the name or alias that matched and why. Each\n" +
			"--list is a UN list XML file, an OFAC directory (sdn.csv, alt.csv, add.csv)\n" +
			"or an edition JSON file; without --list, Surety's fixture edition of the UN\n" +
			"list is searched. The threshold defaults to " + strconv.FormatFloat(names.DefaultThreshold, 'f', -1, 64) + ".",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			if threshold < 0 || threshold > 1 {
				return fmt.Errorf("--threshold %v is not in [0, 1]", threshold)
			}
			var eds []lists.Edition
			for _, p := range listPaths {
				e, err := loadEdition(p, ofacDate, nil)
				if err != nil {
					return err
				}
				eds = append(eds, e)
			}
			if len(eds) == 0 {
				e, err := lists.Fixture()
				if err != nil {
					return err
				}
				eds = append(eds, e)
			}
			hits := names.NewIndex(eds...).Search(names.Query{Name: args[0], Limit: limit, Threshold: threshold})
			if out == "json" {
				if hits == nil {
					hits = []names.Hit{}
				}
				return writeJSON(cmd.OutOrStdout(), hits)
			}
			w := cmd.OutOrStdout()
			if len(hits) == 0 {
				t := threshold
				if t == 0 {
					t = names.DefaultThreshold
				}
				_, err := fmt.Fprintf(w, "no entry matches %q at threshold %v\n", args[0], t)
				return err
			}
			tw := table(w)
			fmt.Fprintln(tw, "SCORE\tLIST\tREF\tMATCHED\tWHY")
			for _, h := range hits {
				matched := h.Matched
				if matched != h.Name {
					matched += " (alias of " + h.Name + ")"
				}
				fmt.Fprintf(tw, "%.3f\t%s\t%s\t%s\t%s\n", h.Score, h.Source, h.Ref, matched, h.Why)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringArrayVar(&listPaths, "list", nil, "a list edition to search: UN XML, OFAC directory or edition JSON (repeatable)")
	cmd.Flags().IntVar(&limit, "limit", 10, "most hits printed")
	cmd.Flags().Float64Var(&threshold, "threshold", 0, "least score of a hit (default: screening's default)")
	cmd.Flags().StringVar(&ofacDate, "ofac-date", "", "date of OFAC editions read from CSV (default: the day sdn.csv was modified)")
	outputFlag(cmd, &out)
	return cmd
}

func newScreenScoreCmd() *cobra.Command {
	var path string
	cmd := &cobra.Command{
		Use:   "score --csv FILE",
		Short: "Score pairs of names read from CSV",
		Long: "Score reads CSV rows name1,name2 (a first row name1,name2 is a header and is\n" +
			"kept) and writes each row with its score in [0, 1] appended, as CSV. Columns\n" +
			"after the two names, such as a label, are kept. FILE - reads standard input.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var r io.Reader = cmd.InOrStdin()
			if path != "-" {
				f, err := os.Open(path)
				if err != nil {
					return err
				}
				defer f.Close()
				r = f
			}
			cr := csv.NewReader(r)
			cw := csv.NewWriter(cmd.OutOrStdout())
			for first := true; ; first = false {
				rec, err := cr.Read()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					return fmt.Errorf("%s: %w", path, err)
				}
				if len(rec) < 2 {
					line, _ := cr.FieldPos(0)
					return fmt.Errorf("%s:%d: want two names, name1,name2", path, line)
				}
				var score string
				if first && strings.EqualFold(strings.TrimSpace(rec[0]), "name1") && strings.EqualFold(strings.TrimSpace(rec[1]), "name2") {
					score = "score"
				} else {
					s, _ := names.Score(rec[0], rec[1])
					score = strconv.FormatFloat(s, 'f', 6, 64)
				}
				if err := cw.Write(append(rec, score)); err != nil {
					return err
				}
			}
			cw.Flush()
			return cw.Error()
		},
	}
	cmd.Flags().StringVar(&path, "csv", "", "CSV file of name pairs, or - for standard input")
	_ = cmd.MarkFlagRequired("csv")
	return cmd
}

// The goals of `surety bench screen`, from issue 4.
const (
	goalPerSec = 20000
	goalP99    = time.Millisecond
	goalMemory = 200 << 20
	goalBuild  = 2 * time.Second
)

// BenchScreen is what `surety bench screen` measures and whether each
// figure meets its goal.
type BenchScreen struct {
	BenchResult
	Meets map[string]bool `json:"meets"`
}

func newBenchScreenCmd() *cobra.Command {
	var dir, out string
	var n int
	cmd := &cobra.Command{
		Use:   "screen [--data DIR] [--n N]",
		Short: "Measure name screening against the UN 2026 and OFAC lists",
		Long: "Screen indexes the UN list of 2026-02-27 and the OFAC SDN list from the\n" +
			"reference data (DIR/un/consolidated-2026-02-27.xml and DIR/ofac/{sdn,alt,add}.csv)\n" +
			"and runs N name queries on one core (GOMAXPROCS 1): a third listed names, a\n" +
			"third listed names with typos, romanisation variants or legal forms, a third\n" +
			"names not listed. It prints queries per second, p50 and p99 latency, index\n" +
			"memory and build time against the goals: at least 20,000 queries/s, p99 at\n" +
			"most 1 ms, at most 200 MB, build at most 2 s. The OFAC CSV carries no date;\n" +
			"the edition takes the day sdn.csv was modified.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			for _, f := range []string{filepath.Join("un", "consolidated-2026-02-27.xml"), filepath.Join("ofac", "sdn.csv")} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					return fmt.Errorf("reference data not found: %w; give --data, the directory holding un/ and ofac/ (see ../shared/data/SOURCES.md)", err)
				}
			}
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
			r, err := BenchScreenRun(dir, n)
			if err != nil {
				return err
			}
			b := BenchScreen{BenchResult: r, Meets: map[string]bool{
				"queries_per_second": r.PerSec >= goalPerSec,
				"p99":                r.P99 <= goalP99,
				"memory":             r.Memory <= goalMemory,
				"build":              r.Build <= goalBuild,
			}}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), b)
			}
			verdict := func(k string) string {
				if b.Meets[k] {
					return "meets"
				}
				return "MISSES"
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "lists:    %s\n", strings.Join(r.Editions, ", "))
			fmt.Fprintf(w, "index:    %d names\n", r.Names)
			tw := table(w)
			fmt.Fprintln(tw, "MEASURE\tVALUE\tGOAL\t")
			fmt.Fprintf(tw, "queries/s (one core)\t%.0f\t>= %d\t%s\n", r.PerSec, goalPerSec, verdict("queries_per_second"))
			fmt.Fprintf(tw, "p50\t%v\t\t\n", r.P50)
			fmt.Fprintf(tw, "p99\t%v\t<= %v\t%s\n", r.P99, goalP99, verdict("p99"))
			fmt.Fprintf(tw, "index memory\t%.1f MB\t<= %d MB\t%s\n", float64(r.Memory)/(1<<20), goalMemory>>20, verdict("memory"))
			fmt.Fprintf(tw, "index build\t%v\t<= %v\t%s\n", r.Build.Round(time.Millisecond), goalBuild, verdict("build"))
			if err := tw.Flush(); err != nil {
				return err
			}
			pct := func(i int) float64 { return 100 * float64(r.Hits[i]) / float64(max(r.Kinds[i], 1)) }
			_, err = fmt.Fprintf(w, "hits:     listed %.1f%%, perturbed %.1f%%, not listed %.1f%% (of %d queries)\n", pct(0), pct(1), pct(2), r.Queries)
			return err
		},
	}
	cmd.Flags().StringVar(&dir, "data", filepath.Join("..", "shared", "data"), "reference data directory")
	cmd.Flags().IntVar(&n, "n", 30000, "number of queries")
	outputFlag(cmd, &out)
	return cmd
}
