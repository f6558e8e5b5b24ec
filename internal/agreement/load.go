package agreement

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
)

// Pos is a position in an agreement file, 1-based.
type Pos struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Problem is one thing wrong with an agreement: where, what, and how to fix
// it.
type Problem struct {
	Pos  Pos    `json:"pos"`
	Path string `json:"path,omitempty"`
	Msg  string `json:"message"`
}

func (p Problem) Error() string {
	loc := p.Pos.String()
	switch {
	case loc != "" && p.Path != "":
		return loc + ": " + p.Path + ": " + p.Msg
	case loc != "":
		return loc + ": " + p.Msg
	case p.Path != "":
		return p.Path + ": " + p.Msg
	}
	return p.Msg
}

// Problems is every problem found in one agreement, in file order. It is
// the error Load and Parse return for an invalid agreement.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Load reads, decodes and validates the agreement file at path.
func Load(path string) (*Spec, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read agreement: %w", err)
	}
	return Parse(path, b)
}

// Parse decodes and validates an agreement document. name is used in
// positions. On failure the error is Problems, listing every problem found:
// all unknown fields, or the first type error, or every semantic error.
func Parse(name string, data []byte) (*Spec, error) {
	var s Spec
	idx, err := decode(name, data, &s, "agreement", `"surety: v1"`)
	if err != nil {
		return nil, err
	}
	if ps := s.Validate(); len(ps) > 0 {
		return nil, idx.locate(ps)
	}
	s.notes = idx.locate(s.readings())
	return &s, nil
}

// Decode decodes a YAML document of one mapping into v, a pointer to a
// struct with json tags, as strictly as Parse decodes an agreement, and
// validates it: every unknown field, or the first type error, or every
// problem validate finds (by path, as Spec.Validate gives them), located in
// the file. what names the document in messages, e.g. "traffic model".
func Decode(name string, data []byte, v any, what string, validate func() Problems) error {
	idx, err := decode(name, data, v, what, "")
	if err != nil {
		return err
	}
	if ps := validate(); len(ps) > 0 {
		return idx.locate(ps)
	}
	return nil
}

// decode parses data and decodes it into v; first names the field a
// document starts with, if any.
func decode(name string, data []byte, v any, what, first string) (index, error) {
	idx := index{name: name, pos: map[string]Pos{}}
	f, err := parser.ParseBytes(data, 0)
	if err != nil {
		return idx, Problems{yamlProblem(name, err)}
	}
	a := "a " + what
	if strings.ContainsRune("aeiou", rune(what[0])) {
		a = "an " + what
	}
	var body ast.Node
	for _, d := range f.Docs {
		if d.Body == nil {
			continue
		}
		if body != nil {
			return idx, Problems{{Pos: nodePos(name, d.Body), Msg: "a file holds one " + what + "; remove the second document or split the file"}}
		}
		body = d.Body
	}
	if body == nil {
		msg := "the file is empty; it holds " + a
		if first != "" {
			msg = "the file is empty; " + a + " starts with " + first
		}
		return idx, Problems{{Pos: Pos{File: name, Line: 1, Col: 1}, Msg: msg}}
	}
	if _, ok := body.(*ast.MappingNode); !ok {
		if _, ok := body.(*ast.MappingValueNode); !ok {
			msg := a + " is a mapping of fields"
			if first != "" {
				msg += ", starting with " + first
			}
			return idx, Problems{{Pos: nodePos(name, body), Msg: msg}}
		}
	}
	var ps Problems
	idx.walk(body, "", reflect.TypeOf(v).Elem(), &ps)
	if len(ps) > 0 {
		return idx, ps
	}
	if err := yaml.NodeToValue(body, v); err != nil {
		return idx, Problems{idx.typeProblem(err)}
	}
	return idx, nil
}

// locate gives each problem its position in the file, and sorts them in
// file order.
func (x index) locate(ps Problems) Problems {
	for i := range ps {
		ps[i].Pos = x.lookup(ps[i].Path)
	}
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i].Pos, ps[j].Pos
		return a.Line < b.Line || a.Line == b.Line && a.Col < b.Col
	})
	return ps
}

func yamlProblem(name string, err error) Problem {
	var ye yaml.Error
	if errors.As(err, &ye) && ye.GetToken() != nil {
		tk := ye.GetToken()
		return Problem{Pos: Pos{File: name, Line: tk.Position.Line, Col: tk.Position.Column}, Msg: ye.GetMessage()}
	}
	return Problem{Pos: Pos{File: name}, Msg: err.Error()}
}

// typeProblem turns a decoding error into a problem naming the field and
// the kind of value it wants.
func (x index) typeProblem(err error) Problem {
	var te *yaml.TypeError
	if !errors.As(err, &te) || te.Token == nil {
		return yamlProblem(x.name, err)
	}
	pos := Pos{File: x.name, Line: te.Token.Position.Line, Col: te.Token.Position.Column}
	path := ""
	for p, q := range x.pos {
		if q == pos && (path == "" || len(p) > len(path)) {
			path = p
		}
	}
	return Problem{Pos: pos, Path: path, Msg: fmt.Sprintf("%q is not %s; write %s there", te.Token.Value, kindName(te.DstType), kindName(te.DstType))}
}

func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64, reflect.Int32, reflect.Uint, reflect.Uint64, reflect.Uint32:
		return "a whole number"
	case reflect.Float64, reflect.Float32:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "a mapping of fields"
	}
	return "a " + t.Kind().String()
}

func nodePos(name string, n ast.Node) Pos {
	switch v := n.(type) {
	case *ast.MappingNode:
		if len(v.Values) > 0 {
			return nodePos(name, v.Values[0])
		}
	case *ast.MappingValueNode:
		return nodePos(name, v.Key)
	}
	tk := n.GetToken()
	if tk == nil {
		return Pos{File: name}
	}
	return Pos{File: name, Line: tk.Position.Line, Col: tk.Position.Column}
}

// index maps field paths ("incentives[0].tranches[2].due") to positions in
// the file, and checks that every key names a field.
type index struct {
	name string
	pos  map[string]Pos
}

// lookup returns the position of path, or of its nearest ancestor.
func (x index) lookup(path string) Pos {
	for p := path; ; {
		if pos, ok := x.pos[p]; ok {
			return pos
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			break
		}
		p = p[:i]
	}
	return Pos{File: x.name, Line: 1, Col: 1}
}

// walk records the position of every value under n at path, and reports
// each mapping key that names no field of t, with the fields it could be.
func (x index) walk(n ast.Node, path string, t reflect.Type, ps *Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch v := n.(type) {
	case *ast.TagNode:
		x.walk(v.Value, path, t, ps)
		return
	case *ast.AnchorNode:
		x.walk(v.Value, path, t, ps)
		return
	}
	if path != "" {
		x.pos[path] = nodePos(x.name, n)
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.BytesUnmarshaler]()) {
		return
	}
	switch v := n.(type) {
	case *ast.MappingNode:
		for _, mv := range v.Values {
			x.field(mv, path, t, ps)
		}
	case *ast.MappingValueNode:
		x.field(v, path, t, ps)
	case *ast.SequenceNode:
		if t.Kind() != reflect.Slice {
			return // the decoder reports the type error
		}
		for i, e := range v.Values {
			x.walk(e, path+"["+strconv.Itoa(i)+"]", t.Elem(), ps)
		}
	}
}

func (x index) field(mv *ast.MappingValueNode, path string, t reflect.Type, ps *Problems) {
	key := strings.TrimSpace(mv.Key.String())
	key = unquote(key)
	sub := key
	if path != "" {
		sub = path + "." + key
	}
	switch t.Kind() {
	case reflect.Map:
		x.pos[sub] = nodePos(x.name, mv.Value)
		x.walk(mv.Value, sub, t.Elem(), ps)
		return
	case reflect.Struct:
	default:
		return // the decoder reports the type error
	}
	fields := jsonFields(t)
	ft, ok := fields[key]
	if !ok {
		*ps = append(*ps, Problem{
			Pos:  nodePos(x.name, mv.Key),
			Path: sub,
			Msg:  unknownField(key, t, fields),
		})
		return
	}
	x.pos[sub] = nodePos(x.name, mv.Key)
	x.walk(mv.Value, sub, ft, ps)
}

func unknownField(key string, t reflect.Type, fields map[string]reflect.Type) string {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	msg := fmt.Sprintf("unknown field %q", key)
	if best := closest(key, names); best != "" {
		msg += fmt.Sprintf("; did you mean %q?", best)
	}
	return msg + " Known fields of " + typeLabel(t) + ": " + strings.Join(names, ", ")
}

// typeLabel names a spec type in the words of the documentation.
func typeLabel(t reflect.Type) string {
	var b strings.Builder
	for i, r := range t.Name() {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return strings.ToLower(b.String())
}

// jsonFields returns the JSON field names of struct t and their types,
// including those of embedded structs.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	m := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" {
			for k, v := range jsonFields(f.Type) {
				m[k] = v
			}
			continue
		}
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[name] = f.Type
	}
	return m
}

// closest returns the candidate nearest to s by edit distance, if it is
// near enough to be a likely typo.
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/2+2
	for _, c := range candidates {
		if d := editDistance(s, c); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and
// transpositions of adjacent letters that turn a into b.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
