package cli

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/surety/surety/internal/app"
	"github.com/surety/surety/internal/client"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/screening"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// csvColumns are the columns of a declaration in CSV, one item per row.
// The declaration's own fields are taken from the first row.
var csvColumns = []string{
	"site", "departure", "mode", "flight", "vessel", "imo", "vehicle",
	"consignor", "consignor_address", "consignor_country",
	"consignee", "consignee_address", "consignee_country",
	"end_user", "end_user_address", "end_user_country",
	"destination", "transit",
	"description", "hs_code", "quantity", "unit", "weight_kg", "value", "currency", "control",
}

// sealsColumn is the optional column of the seals applied when declared,
// separated by semicolons or spaces.
const sealsColumn = "seals"

// readDeclaration reads a declaration from a JSON file or, for a .csv
// file, from CSV rows with a header naming csvColumns (any order, all
// required but the optional ones left empty).
func readDeclaration(path string) (screening.Declaration, error) {
	var d screening.Declaration
	f, err := os.Open(path)
	if err != nil {
		return d, err
	}
	defer f.Close()
	if !strings.HasSuffix(strings.ToLower(path), ".csv") {
		dec := json.NewDecoder(f)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&d); err != nil {
			return d, fmt.Errorf("%s: %w", path, err)
		}
		return d, nil
	}
	return parseDeclarationCSV(path, f)
}

func parseDeclarationCSV(path string, r io.Reader) (screening.Declaration, error) {
	var d screening.Declaration
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return d, fmt.Errorf("%s: header: %w", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(strings.ToLower(h))] = i
	}
	for _, c := range csvColumns {
		if _, ok := col[c]; !ok {
			return d, fmt.Errorf("%s:1: the header lacks column %q; the columns are %s", path, c, strings.Join(csvColumns, ","))
		}
	}
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return d, fmt.Errorf("%s: %w", path, err)
		}
		get := func(c string) string {
			i, ok := col[c]
			if !ok {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		num := func(c string) (float64, error) {
			v, err := strconv.ParseFloat(get(c), 64)
			if err != nil {
				return 0, fmt.Errorf("%s:%d: column %s: %q is not a number", path, row, c, get(c))
			}
			return v, nil
		}
		if row == 2 {
			dep, err := time.Parse(time.RFC3339, get("departure"))
			if err != nil {
				return d, fmt.Errorf("%s:%d: column departure: %q is not an RFC 3339 time", path, row, get("departure"))
			}
			d = screening.Declaration{
				Site: get("site"), Departure: dep, Mode: get("mode"),
				Carrier:     screening.Carrier{Flight: get("flight"), Vessel: get("vessel"), IMO: get("imo"), Vehicle: get("vehicle")},
				Consignor:   screening.Party{Name: get("consignor"), Address: get("consignor_address"), Country: get("consignor_country")},
				Consignee:   screening.Party{Name: get("consignee"), Address: get("consignee_address"), Country: get("consignee_country")},
				EndUser:     screening.Party{Name: get("end_user"), Address: get("end_user_address"), Country: get("end_user_country")},
				Destination: get("destination"),
				Transit:     strings.FieldsFunc(get("transit"), func(r rune) bool { return r == ';' || r == ' ' }),
				Seals:       strings.FieldsFunc(get(sealsColumn), func(r rune) bool { return r == ';' || r == ' ' }),
			}
		}
		it := screening.Item{Description: get("description"), HSCode: get("hs_code"), Unit: get("unit"), Control: get("control")}
		if it.Quantity, err = num("quantity"); err != nil {
			return d, err
		}
		if it.WeightKg, err = num("weight_kg"); err != nil {
			return d, err
		}
		if it.Value.Amount, err = num("value"); err != nil {
			return d, err
		}
		it.Value.Currency = get("currency")
		d.Items = append(d.Items, it)
	}
	if len(d.Items) == 0 {
		return d, fmt.Errorf("%s: no item rows", path)
	}
	return d, nil
}

func newDeclareCmd() *cobra.Command {
	var keyPath, server, agr, id, author, out string
	cmd := &cobra.Command{
		Use:   "declare --key FILE --agreement ID [--server URL] FILE.json|FILE.csv",
		Short: "Declare an outbound consignment and print how it screened",
		Long: "Declare signs a declaration.submit statement with the declarant's key, submits\n" +
			"it, and prints its log index, risk, selection probability, flags and the\n" +
			"screening's reasons. FILE is a declaration in JSON, or CSV with one item per\n" +
			"row and the columns " + strings.Join(csvColumns, ",") + ", and optionally\n" +
			"seals (the seal numbers applied when declared, separated by semicolons).",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := checkOutput(out); err != nil {
				return err
			}
			d, err := readDeclaration(args[0])
			if err != nil {
				return err
			}
			k, err := keys.Load(keyPath)
			if err != nil {
				return err
			}
			if author == "" {
				author = k.Name
			}
			if id == "" {
				id = newID("decl-")
			}
			c := client.New(server)
			a, err := (&app.Sender{Key: k, Author: author, Agreement: agr, Client: c}).Send(cmd.Context(), statement.TypeDeclare, id, d)
			if err != nil {
				return err
			}
			var rec state.Declaration
			if err := c.Get(cmd.Context(), "/v1/declarations/"+id, &rec); err != nil {
				return err
			}
			if out == "json" {
				return writeJSON(cmd.OutOrStdout(), rec)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "declaration %s at index %d (leaf %s)\n", rec.ID, a.Index, a.LeafHash)
			fmt.Fprintf(w, "  risk %.3f, selection probability %.3f, flags %s\n", rec.Screening.Risk, rec.P, orNone(strings.Join(rec.Flags, ", ")))
			for _, r := range rec.Screening.Reasons {
				fmt.Fprintf(w, "  - %s\n", r)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&keyPath, "key", "", "the declarant's private key file")
	serverVar(cmd, &server)
	cmd.Flags().StringVar(&agr, "agreement", "il-kp-1993", "agreement id")
	cmd.Flags().StringVar(&id, "id", "", "declaration (statement) id (default: generated)")
	cmd.Flags().StringVar(&author, "author", "", "author principal (default: the key's name)")
	outputFlag(cmd, &out)
	_ = cmd.MarkFlagRequired("key")
	return cmd
}
