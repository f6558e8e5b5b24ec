package scenario

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/traffic"
)

// Script is a scenario: an agreement, the seed its principals' keys are
// derived from, and timed steps.
type Script struct {
	// Title says what the scenario shows.
	Title string `yaml:"title"`
	// Agreement is the agreement file, relative to the script's directory
	// unless absolute.
	Agreement string `yaml:"agreement"`
	// Seed derives every principal's key (keys.Derive) and the selector's
	// VRF key (inspection.DeriveSeed); "demo" when empty.
	Seed string `yaml:"seed"`
	// Start is the log time of the adoption, the log's first entry.
	Start time.Time `yaml:"start"`
	// Fixture adopts Surety's fixture edition of the UN list right after
	// the agreement.
	Fixture bool   `yaml:"fixture"`
	Steps   []Step `yaml:"steps"`

	path string
	spec *agreement.Spec
	doc  []byte
	// traffic is the agreement's traffic model, which routines draw
	// their declarations from; nil when the agreement has none.
	traffic *traffic.Model
}

// Step is one step of a script; exactly one of Type (a statement), Select,
// Tick, Blob and Routine is set.
type Step struct {
	// At is the step's log time (not for Tick and Routine, which carry
	// their own).
	At time.Time `yaml:"at"`

	// As is the signing principal of a statement.
	As   string         `yaml:"as"`
	Type string         `yaml:"type"`
	ID   string         `yaml:"id"`
	Body map[string]any `yaml:"body"`
	// Every repeats the statement from At until Until (inclusive); its id
	// holds "{n}", the repetition's number from 1.
	Every *agreement.Duration `yaml:"every"`
	Until *time.Time          `yaml:"until"`
	// Expect says the statement must be refused, with an error containing
	// this text.
	Expect string `yaml:"expect"`

	// Select decides every declaration awaiting selection, with the
	// selector's VRF key.
	Select bool `yaml:"select"`
	// Tick appends a clock.tick at this time.
	Tick *time.Time `yaml:"tick"`
	// Blob stores content; a body string "blob:NAME" stands for its
	// SHA-256 in hex.
	Blob *Blob `yaml:"blob"`
	// Routine is ordinary traffic at a site.
	Routine *Routine `yaml:"routine"`

	pos string
}

// Blob is content stored in the log's blob store, such as an end-user
// certificate.
type Blob struct {
	Name    string `yaml:"name"`
	Content string `yaml:"content"`
}

// Routine is ordinary traffic at a site: every Every from From until Until
// (inclusive) a plain declaration departing three days later, its VRF
// selection a minute after, and for a selected one a cleared inspection
// report an hour after the declaration, by an inspector of the site.
type Routine struct {
	Site  string             `yaml:"site"`
	Every agreement.Duration `yaml:"every"`
	From  time.Time          `yaml:"from"`
	Until time.Time          `yaml:"until"`
}

// Load reads and checks a script and the agreement it names. Errors read
// "FILE:LINE:COL: what is wrong".
func Load(path string) (*Script, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	s, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	file := s.Agreement
	if !filepath.IsAbs(file) {
		file = filepath.Join(filepath.Dir(path), file)
	}
	s.doc, err = os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: agreement: %w", path, err)
	}
	s.spec, err = agreement.Parse(s.Agreement, s.doc)
	if err != nil {
		return nil, fmt.Errorf("%s: agreement %s is not valid:\n%w", path, s.Agreement, err)
	}
	s.traffic, err = traffic.Load(s.spec, file)
	if err != nil && !errors.Is(err, traffic.ErrNone) {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s, nil
}

func parse(path string, data []byte) (*Script, error) {
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return nil, yamlError(path, err)
	}
	if len(f.Docs) != 1 || f.Docs[0].Body == nil {
		return nil, fmt.Errorf("%s: a script is one YAML document", path)
	}
	body := f.Docs[0].Body
	s := &Script{path: path}
	if err := yaml.NodeToValue(body, s, yaml.Strict()); err != nil {
		return nil, yamlError(path, err)
	}
	// Each step's position, for the errors of running it.
	if m, ok := body.(*ast.MappingNode); ok {
		for _, kv := range m.Values {
			seq, ok := kv.Value.(*ast.SequenceNode)
			if kv.Key.String() != "steps" || !ok {
				continue
			}
			for i, n := range seq.Values {
				if i < len(s.Steps) {
					p := n.GetToken().Position
					s.Steps[i].pos = fmt.Sprintf("%s:%d:%d", path, p.Line, p.Column)
				}
			}
		}
	}
	return s, nil
}

func yamlError(path string, err error) error {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		p := ye.GetToken().Position
		return fmt.Errorf("%s:%d:%d: %s", path, p.Line, p.Column, ye.GetMessage())
	}
	return fmt.Errorf("%s: %w", path, err)
}

// check checks the script against its agreement.
func (s *Script) check() error {
	if s.Seed == "" {
		s.Seed = "demo"
	}
	if s.Start.IsZero() {
		return fmt.Errorf("%s: start: give the log time of the adoption, e.g. 1993-07-01T00:00:00Z", s.path)
	}
	for i := range s.Steps {
		if err := s.checkStep(&s.Steps[i]); err != nil {
			return fmt.Errorf("%s: %w", s.Steps[i].pos, err)
		}
	}
	return nil
}

func (s *Script) checkStep(st *Step) error {
	kinds := 0
	for _, set := range []bool{st.Type != "", st.Select, st.Tick != nil, st.Blob != nil, st.Routine != nil} {
		if set {
			kinds++
		}
	}
	if kinds != 1 {
		return errors.New("a step is exactly one of: a statement (type), select, tick, blob or routine")
	}
	at := st.At
	switch {
	case st.Tick != nil:
		at = *st.Tick
	case st.Routine != nil:
		at = st.Routine.From
	}
	if at.Before(s.Start) {
		return fmt.Errorf("the step's time %s is before the adoption at %s", at.Format(time.RFC3339), s.Start.Format(time.RFC3339))
	}
	if (st.Tick != nil || st.Routine != nil) != st.At.IsZero() {
		return errors.New("give the time as at, or for a tick or routine as its own value")
	}
	if st.Type == "" && (st.As != "" || st.ID != "" || st.Body != nil || st.Every != nil || st.Until != nil || st.Expect != "") {
		return errors.New("as, id, body, every, until and expect belong to a statement step, which has a type")
	}
	switch {
	case st.Type != "":
		if !slices.Contains(state.Types(), st.Type) {
			return fmt.Errorf("type %q is not a statement type; known: %s", st.Type, strings.Join(state.Types(), ", "))
		}
		if st.As == "" || st.ID == "" {
			return errors.New("a statement step names its principal (as) and its id")
		}
		if _, ok := s.principal(st.As); !ok {
			return fmt.Errorf("%s is not a principal of agreement %s", st.As, s.spec.ID)
		}
		if (st.Every == nil) != (st.Until == nil) {
			return errors.New("every and until go together")
		}
		if st.Every != nil {
			if err := checkDuration(*st.Every); err != nil {
				return fmt.Errorf("every: %w", err)
			}
			if !strings.Contains(st.ID, "{n}") {
				return errors.New(`a repeated statement's id holds "{n}", the repetition's number`)
			}
			if st.Expect != "" {
				return errors.New("expect a refusal of a single statement, not of a repeated one")
			}
		}
	case st.Blob != nil:
		if st.Blob.Name == "" {
			return errors.New("a blob has a name, by which bodies refer to it as \"blob:NAME\"")
		}
	case st.Routine != nil:
		r := st.Routine
		site := s.site(r.Site)
		if site == nil || !site.ExitPoint() {
			return fmt.Errorf("routine: site %q is not an exit point of agreement %s", r.Site, s.spec.ID)
		}
		if len(s.inspectors(r.Site)) == 0 {
			return fmt.Errorf("routine: no inspector of agreement %s is assigned to %s", s.spec.ID, r.Site)
		}
		if s.traffic == nil || s.traffic.Site(r.Site) == nil {
			return fmt.Errorf("routine: the agreement's traffic model (%s) does not model %s; routines draw their declarations from it", traffic.Path(s.Agreement), r.Site)
		}
		if err := checkDuration(r.Every); err != nil {
			return fmt.Errorf("routine: every: %w", err)
		}
		if r.Until.Before(r.From) {
			return errors.New("routine: until is before from")
		}
	}
	return nil
}

func checkDuration(d agreement.Duration) error {
	p, err := agreement.ParseDuration(d.String())
	if err == nil && p.N <= 0 {
		err = fmt.Errorf("%q must be positive", d.String())
	}
	return err
}

// principal returns the agreement's principal id.
func (s *Script) principal(id string) (agreement.Principal, bool) {
	for _, p := range s.spec.Parties {
		for _, pr := range p.Principals {
			if pr.ID == id {
				return pr, true
			}
		}
	}
	return agreement.Principal{}, false
}

// withDuty returns the first principal holding a duty.
func (s *Script) withDuty(d agreement.Duty) (agreement.Principal, bool) {
	for _, p := range s.spec.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, d) {
				return pr, true
			}
		}
	}
	return agreement.Principal{}, false
}

func (s *Script) site(id string) *agreement.Site {
	for i := range s.spec.Sites {
		if s.spec.Sites[i].ID == id {
			return &s.spec.Sites[i]
		}
	}
	return nil
}

// inspectors returns the inspectors assigned to a site, in agreement order.
func (s *Script) inspectors(site string) []string {
	var out []string
	for _, p := range s.spec.Parties {
		for _, pr := range p.Principals {
			if slices.Contains(pr.Duties, agreement.Inspector) && slices.Contains(pr.Sites, site) {
				out = append(out, pr.ID)
			}
		}
	}
	return out
}
