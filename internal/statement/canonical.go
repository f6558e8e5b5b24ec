package statement

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/surety/surety/internal/screening"
)

// A payload is canonical when it is exactly the bytes Canonical produces
// for it. Every verifier then reads the same statement from it: it has no
// duplicate keys, no keys that differ only in case, no unknown fields, and
// no second spelling of any value. Parse refuses every other payload; Sign
// produces only canonical ones.

// maxDepth bounds the nesting of a payload's objects and arrays; statement
// bodies nest a few levels deep.
const maxDepth = 32

// bodies gives each statement type the Go type of its body.
var bodies = map[string]func() any{
	TypeAdopt:     func() any { return new(AdoptBody) },
	TypeKeyAdd:    func() any { return new(KeyAddBody) },
	TypeKeyRevoke: func() any { return new(KeyRevokeBody) },
	TypeClockTick: func() any { return new(ClockTickBody) },

	TypeListAdopt: func() any { return new(ListAdoptBody) },

	TypeDeclare:  func() any { return new(screening.Declaration) },
	TypeAmend:    func() any { return new(AmendBody) },
	TypeWithdraw: func() any { return new(WithdrawBody) },

	TypeCommit:       func() any { return new(CommitBody) },
	TypeReveal:       func() any { return new(RevealBody) },
	TypeReport:       func() any { return new(ReportBody) },
	TypeForceMajeure: func() any { return new(ForceMajeureBody) },
	TypeAllegation:   func() any { return new(AllegationBody) },
	TypeChallenge:    func() any { return new(ChallengeBody) },
	TypeResponse:     func() any { return new(ResponseBody) },

	TypeLicenceRequest:  func() any { return new(LicenceBody) },
	TypeLicenceDecision: func() any { return new(DecisionBody) },

	TypePayment:  func() any { return new(PaymentBody) },
	TypeDelivery: func() any { return new(DeliveryBody) },
	TypeReceipt:  func() any { return new(ReceiptBody) },

	TypeVerified: func() any { return new(VerifiedBody) },

	TypeDisputeRaise: func() any { return new(RaiseBody) },
	TypeDisputeStep:  func() any { return new(StepBody) },
	TypeSnapback:     func() any { return new(SnapbackBody) },
	TypeRemedy:       func() any { return new(RemedyBody) },
	TypeNotify:       func() any { return new(NotifyBody) },
	TypeReimpose:     func() any { return new(ReimposeBody) },
	TypeCease:        func() any { return new(CeaseBody) },
	TypeVote:         func() any { return new(VoteBody) },
	TypeMove:         func() any { return new(MoveBody) },
	TypeMeasure:      func() any { return new(MeasureBody) },
	TypeContinuity:   func() any { return new(ContinuityBody) },
}

// Types lists the statement types, each with a body type.
func Types() []string { return slices.Sorted(maps.Keys(bodies)) }

// Canonical returns the canonical encoding of a payload: compact JSON with
// the payload's fields in their order (type, agreement, id, author, time,
// body) and the time in UTC; the body with its keys in the author's order,
// each spelt exactly as its field, each string as encoding/json writes it
// and each number as encoding/json writes the Go value it decodes into (an
// integer field's int64, any other number's float64). The body must decode
// into the Go type of the statement type, with no unknown fields. A body
// that encoding/json wrote from that type is canonical as it is.
func Canonical(p Payload) ([]byte, error) {
	body, err := canonicalBody(p.Type, p.Body)
	if err != nil {
		return nil, err
	}
	p.Body = body
	p.Time = p.Time.UTC()
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("%w: payload: %v", ErrMalformed, err)
	}
	return b, nil
}

// canonicalBody checks a body against the type of its statement type and
// encodes it canonically.
func canonicalBody(typ string, body json.RawMessage) (json.RawMessage, error) {
	mk, ok := bodies[typ]
	if !ok {
		return nil, fmt.Errorf("%w: payload.type %q is not a statement type; the types are %s", ErrUnknownType, typ, strings.Join(Types(), ", "))
	}
	v := mk()
	// A body as encoding/json writes its type is canonical: it is what the
	// walk below writes for it.
	if json.Unmarshal(body, v) == nil {
		if b, err := json.Marshal(v); err == nil && bytes.Equal(b, body) {
			return body, nil
		}
	}
	v = mk()
	var out bytes.Buffer
	out.Grow(len(body))
	if err := walk(body, reflect.TypeOf(v), "payload.body", &out); err != nil {
		return nil, err
	}
	d := json.NewDecoder(bytes.NewReader(out.Bytes()))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return nil, fmt.Errorf("%w: payload.body of a %s: %v; docs/api.md gives its fields and their types", ErrMalformed, typ, strings.TrimPrefix(err.Error(), "json: "))
	}
	return out.Bytes(), nil
}

// walk reads one JSON value and refuses it if it has, in any object, a key
// twice, two keys that differ only in case, or a key that is not exactly a
// field of the Go type it decodes into (t; nil for any), or if it nests
// deeper than maxDepth. With out, it writes the value's canonical encoding
// there: compact, keys in their order, strings as encoding/json writes
// them, numbers as encoding/json writes the Go value they decode into (an
// integer field's int64, any other number's float64). Without, it leaves
// out what decodes into a json.RawMessage, which is checked on its own.
func walk(raw []byte, t reflect.Type, path string, out *bytes.Buffer) error {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	w := walker{d: d, out: out}
	if err := w.value(t, path, 0); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return fmt.Errorf("%w: %s: data after the value", ErrMalformed, path)
	}
	return nil
}

type walker struct {
	d   *json.Decoder
	out *bytes.Buffer
}

var (
	unmarshaler = reflect.TypeFor[json.Unmarshaler]()
	rawMessage  = reflect.TypeFor[json.RawMessage]()
)

func (w *walker) write(b ...byte) {
	if w.out != nil {
		w.out.Write(b)
	}
}

func (w *walker) value(t reflect.Type, path string, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("%w: %s nests deeper than %d levels", ErrMalformed, path, maxDepth)
	}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == rawMessage && w.out == nil {
		var skip json.RawMessage
		if err := w.d.Decode(&skip); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrMalformed, path, err)
		}
		return nil
	}
	if t != nil && (t.Implements(unmarshaler) || reflect.PointerTo(t).Implements(unmarshaler)) {
		t = nil // its own encoding, such as a time's
	}
	tok, err := w.d.Token()
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, path, err)
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' {
			return w.object(t, path, depth)
		}
		return w.array(t, path, depth)
	case string:
		b, _ := json.Marshal(tok)
		w.write(b...)
	case json.Number:
		if t != nil && t.Kind() >= reflect.Int && t.Kind() <= reflect.Int64 {
			if n, err := strconv.ParseInt(string(tok), 10, 64); err == nil {
				w.write(strconv.AppendInt(nil, n, 10)...)
			} else {
				w.write([]byte(tok)...) // the field's decoding refuses it
			}
			return nil
		}
		f, err := strconv.ParseFloat(string(tok), 64)
		if err != nil {
			return fmt.Errorf("%w: %s: the number %s is out of range", ErrMalformed, path, tok)
		}
		b, _ := json.Marshal(f)
		w.write(b...)
	case bool:
		w.write([]byte(strconv.FormatBool(tok))...)
	case nil:
		w.write([]byte("null")...)
	}
	return nil
}

func (w *walker) object(t reflect.Type, path string, depth int) error {
	var known map[string]reflect.Type
	var elem reflect.Type
	if t != nil && t.Kind() == reflect.Struct {
		known = jsonFields(t)
	} else if t != nil && t.Kind() == reflect.Map {
		elem = t.Elem()
	}
	w.write('{')
	seen := map[string]string{}
	for i := 0; w.d.More(); i++ {
		tok, err := w.d.Token()
		if err != nil {
			return fmt.Errorf("%w: %s: %v", ErrMalformed, path, err)
		}
		k, _ := tok.(string)
		fold := strings.ToLower(k)
		if prev, dup := seen[fold]; dup {
			if prev == k {
				return fmt.Errorf("%w: %s has the key %q twice; give each key once", ErrMalformed, path, k)
			}
			return fmt.Errorf("%w: %s has the keys %q and %q, which differ only in case; keys are matched exactly: keep one, spelt as docs/api.md lists it", ErrMalformed, path, prev, k)
		}
		seen[fold] = k
		ft := elem
		if known != nil {
			var ok bool
			if ft, ok = known[k]; !ok {
				names := slices.Sorted(maps.Keys(known))
				if i := slices.IndexFunc(names, func(n string) bool { return strings.EqualFold(n, k) }); i >= 0 {
					return fmt.Errorf("%w: %s.%s: keys are matched exactly; write %q", ErrMalformed, path, k, names[i])
				}
				return fmt.Errorf("%w: %s has no field %q; its fields are %s", ErrMalformed, path, k, strings.Join(names, ", "))
			}
		}
		if i > 0 {
			w.write(',')
		}
		kb, _ := json.Marshal(k)
		w.write(kb...)
		w.write(':')
		if err := w.value(ft, path+"."+k, depth+1); err != nil {
			return err
		}
	}
	if _, err := w.d.Token(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, path, err)
	}
	w.write('}')
	return nil
}

func (w *walker) array(t reflect.Type, path string, depth int) error {
	var elem reflect.Type
	if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
		elem = t.Elem()
	}
	w.write('[')
	for i := 0; w.d.More(); i++ {
		if i > 0 {
			w.write(',')
		}
		if err := w.value(elem, fmt.Sprintf("%s[%d]", path, i), depth+1); err != nil {
			return err
		}
	}
	if _, err := w.d.Token(); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrMalformed, path, err)
	}
	w.write(']')
	return nil
}

var fieldCache sync.Map // reflect.Type → map[string]reflect.Type

// jsonFields returns the JSON keys of a struct's fields, with their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	out := map[string]reflect.Type{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported() && !f.Anonymous:
		case f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct:
			maps.Copy(out, jsonFields(f.Type))
		case name == "":
			out[f.Name] = f.Type
		default:
			out[name] = f.Type
		}
	}
	fieldCache.Store(t, out)
	return out
}

// members splits a JSON object into its keys and raw values, in order; ok
// is false for anything else.
func members(raw []byte) (ks []string, vs []json.RawMessage, ok bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return nil, nil, false
	}
	for d.More() {
		t, err := d.Token()
		if err != nil {
			return nil, nil, false
		}
		k, _ := t.(string)
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, nil, false
		}
		ks, vs = append(ks, k), append(vs, v)
	}
	return ks, vs, true
}

// elements splits a JSON array into its raw elements; ok is false for
// anything else.
func elements(raw []byte) (es []json.RawMessage, ok bool) {
	d := json.NewDecoder(bytes.NewReader(raw))
	if t, err := d.Token(); err != nil || t != json.Delim('[') {
		return nil, false
	}
	for d.More() {
		var v json.RawMessage
		if err := d.Decode(&v); err != nil {
			return nil, false
		}
		es = append(es, v)
	}
	return es, true
}

// difference says where got, a value whose keys are all known and each
// given once, departs from want, its canonical encoding, and how to fix it.
func difference(got, want []byte, path string) string {
	gk, gv, gok := members(got)
	wk, wv, wok := members(want)
	if gok && wok {
		if !slices.Equal(gk, wk) {
			return fmt.Sprintf("%s has its keys in the order %s; the canonical order is %s", path, strings.Join(gk, ", "), strings.Join(wk, ", "))
		}
		for i, k := range gk {
			if !bytes.Equal(gv[i], wv[i]) {
				return difference(gv[i], wv[i], path+"."+k)
			}
		}
	}
	ge, gok := elements(got)
	we, wok := elements(want)
	if gok && wok && len(ge) == len(we) {
		for i := range ge {
			if !bytes.Equal(ge[i], we[i]) {
				return difference(ge[i], we[i], fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	var c bytes.Buffer
	if json.Compact(&c, got) == nil && !bytes.Equal(c.Bytes(), got) && len(got) > 0 && (got[0] == '{' || got[0] == '[') {
		return fmt.Sprintf("%s has white space; the canonical encoding is compact", path)
	}
	return fmt.Sprintf("%s is written %s; the canonical encoding writes %s", path, clip(got), clip(want))
}

func clip(b []byte) string {
	const n = 80
	if len(b) > n {
		return string(b[:n]) + "…"
	}
	return string(b)
}
