package statement

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/keys"
)

// envelope wraps a payload in an envelope with a signature of the right
// shape; Parse reads the payload without verifying it.
func envelope(payload string) []byte {
	b, _ := json.Marshal(map[string]any{
		"payloadType": PayloadType,
		"payload":     base64.StdEncoding.EncodeToString([]byte(payload)),
		"signatures":  []map[string]string{{"keyid": "", "sig": base64.StdEncoding.EncodeToString(make([]byte, 64))}},
	})
	return b
}

const canonPayment = `{"type":"payment.record","agreement":"il-kp-1993","id":"pay-1","author":"il-treasury","time":"1993-08-01T12:00:00Z","body":{"tranche":"t1","amount":1000,"currency":"USD"}}`

func TestCanonicalPayloadParses(t *testing.T) {
	st, err := Parse(envelope(canonPayment))
	if err != nil {
		t.Fatal(err)
	}
	if st.Author != "il-treasury" {
		t.Errorf("author %q", st.Author)
	}
	p := st.Payload
	b, err := Canonical(p)
	if err != nil || string(b) != canonPayment {
		t.Errorf("Canonical = %s, %v; want the payload itself", b, err)
	}
}

// TestPayloadNotCanonical: every payload that some reader could read
// otherwise than Surety, or that spells a statement a second way, is
// refused, naming the key and how to fix it.
func TestPayloadNotCanonical(t *testing.T) {
	for name, c := range map[string]struct{ payload, msg string }{
		"duplicate author": {strings.Replace(canonPayment, `"author":"il-treasury"`, `"author":"il-treasury","author":"kp-export-authority"`, 1),
			`payload has the key "author" twice`},
		"author in two cases": {strings.Replace(canonPayment, `"author":"il-treasury"`, `"author":"il-treasury","AUTHOR":"kp-export-authority"`, 1),
			`payload has the keys "author" and "AUTHOR", which differ only in case`},
		"author in capitals": {strings.Replace(canonPayment, `"author"`, `"AUTHOR"`, 1),
			`payload.AUTHOR: keys are matched exactly; write "author"`},
		"duplicate body key": {strings.Replace(canonPayment, `"amount":1000`, `"amount":1000,"amount":1`, 1),
			`payload.body has the key "amount" twice`},
		"body key in two cases": {strings.Replace(canonPayment, `"amount":1000`, `"amount":1000,"Amount":1`, 1),
			`payload.body has the keys "amount" and "Amount"`},
		"body key in capitals": {strings.Replace(canonPayment, `"amount"`, `"Amount"`, 1),
			`payload.body.Amount: keys are matched exactly; write "amount"`},
		"unknown payload field": {strings.Replace(canonPayment, `"body"`, `"note":"x","body"`, 1),
			`payload has no field "note"; its fields are agreement, author, body, id, time, type`},
		"unknown body field": {strings.Replace(canonPayment, `"currency"`, `"memo":"x","currency"`, 1),
			`payload.body has no field "memo"; its fields are amount, currency, reference, tranche`},
		"unknown nested field": {`{"type":"declaration.submit","agreement":"a","id":"d","author":"x","time":"2020-01-01T00:00:00Z","body":{"site":"s","consignor":{"name":"n","country":"KP","nationality":"KP"}}}`,
			`payload.body.consignor has no field "nationality"`},
		"nested key in capitals": {`{"type":"declaration.submit","agreement":"a","id":"d","author":"x","time":"2020-01-01T00:00:00Z","body":{"site":"s","items":[{"Description":"coal"}]}}`,
			`payload.body.items[0].Description: keys are matched exactly; write "description"`},
		"white space": {strings.Replace(canonPayment, `,"id"`, `, "id"`, 1),
			`payload has white space`},
		"white space in the body": {strings.Replace(canonPayment, `,"amount"`, `, "amount"`, 1),
			`payload.body has white space`},
		"key order": {`{"agreement":"il-kp-1993","type":"payment.record","id":"pay-1","author":"il-treasury","time":"1993-08-01T12:00:00Z","body":{"tranche":"t1","amount":1000,"currency":"USD"}}`,
			`payload has its keys in the order agreement, type, id, author, time, body; the canonical order is type, agreement, id, author, time, body`},
		"too deep": {`{"type":"declaration.submit","agreement":"a","id":"d","author":"x","time":"2020-01-01T00:00:00Z","body":{"departure":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}}`,
			`payload.body.departure[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] nests deeper than 32 levels`},
		"a fraction for an integer": {strings.Replace(canonPayment, `1000`, `1000.5`, 1),
			`payload.body of a payment.record: cannot unmarshal number 1000.5 into Go struct field PaymentBody.amount of type int64`},
		"inexact number": {`{"type":"delivery.record","agreement":"il-kp-1993","id":"del-1","author":"il-treasury","time":"1993-08-01T12:00:00Z","body":{"incentive":"oil","quantity":9007199254740993,"unit":"t"}}`,
			`payload.body.quantity is written 9007199254740993; the canonical encoding writes 9007199254740992`},
		"integer with an exponent": {strings.Replace(canonPayment, `1000`, `1e3`, 1),
			`payload.body of a payment.record: cannot unmarshal number 1e3 into Go struct field PaymentBody.amount of type int64`},
		"time with milliseconds": {strings.Replace(canonPayment, `12:00:00Z`, `12:00:00.000Z`, 1),
			`payload.time is written "1993-08-01T12:00:00.000Z"; the canonical encoding writes "1993-08-01T12:00:00Z"`},
		"time with an offset": {strings.Replace(canonPayment, `12:00:00Z`, `14:00:00+02:00`, 1),
			`payload.time is written "1993-08-01T14:00:00+02:00"; the canonical encoding writes "1993-08-01T12:00:00Z"`},
		"escaped letter": {strings.Replace(canonPayment, `"USD"`, `"\u0055SD"`, 1),
			`payload.body.currency is written "\u0055SD"; the canonical encoding writes "USD"`},
		"number with exponent": {`{"type":"delivery.record","agreement":"il-kp-1993","id":"del-1","author":"il-treasury","time":"1993-08-01T12:00:00Z","body":{"incentive":"oil","quantity":5e4,"unit":"t"}}`,
			`payload.body.quantity is written 5e4; the canonical encoding writes 50000`},
		"integer written as a fraction": {strings.Replace(canonPayment, `1000`, `1000.0`, 1),
			`payload.body of a payment.record: cannot unmarshal number 1000.0 into Go struct field PaymentBody.amount of type int64`},
		"invalid UTF-8": {strings.Replace(canonPayment, `"USD"`, "\"US\xff\"", 1),
			`payload.body.currency is written`},
		"lone surrogate": {strings.Replace(canonPayment, `"USD"`, `"US\ud800"`, 1),
			`payload.body.currency is written`},
		"duplicate in the envelope": {"", `envelope has the key "payload" twice`},
	} {
		in := envelope(c.payload)
		if c.payload == "" {
			in = []byte(strings.Replace(string(envelope(canonPayment)), `"payload":`, `"payload":"e30=","payload":`, 1))
		}
		_, err := Parse(in)
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want ErrMalformed mentioning %q", name, err, c.msg)
		}
	}
}

func TestUnknownType(t *testing.T) {
	_, err := Parse(envelope(strings.Replace(canonPayment, `payment.record`, `payment.refund`, 1)))
	if !errors.Is(err, ErrUnknownType) || !strings.Contains(err.Error(), `payload.type "payment.refund" is not a statement type; the types are agreement.adopt,`) {
		t.Errorf("got %v", err)
	}
}

// TestSignIsCanonical: Sign writes the canonical encoding of whatever body
// it is given, keeping the order of its keys, and refuses a body that could
// be read two ways.
func TestSignIsCanonical(t *testing.T) {
	k, err := keys.Derive("test", "il-treasury")
	if err != nil {
		t.Fatal(err)
	}
	p := Payload{Type: TypePayment, Agreement: "il-kp-1993", ID: "pay-1", Author: "il-treasury",
		Time: time.Date(1993, 8, 1, 14, 0, 0, 0, time.FixedZone("", 7200)), Body: json.RawMessage(`{ "tranche": "t\u0031", "amount": 1000, "currency": "USD" }`)}
	env, err := Sign(k, p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Parse(env)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := base64.StdEncoding.DecodeString(mustField(t, env, "payload")); string(got) != canonPayment {
		t.Errorf("signed payload %s, want %s", got, canonPayment)
	}
	if err := st.Verify(k.Public()); err != nil {
		t.Error(err)
	}
	p.Body = json.RawMessage(`{"currency":"USD","tranche":"t1","amount":1000}`)
	env, err = Sign(k, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := base64.StdEncoding.DecodeString(mustField(t, env, "payload")); !strings.Contains(string(got), `"body":{"currency":"USD","tranche":"t1","amount":1000}`) {
		t.Errorf("Sign reordered the body: %s", got)
	}
	p.Body = json.RawMessage(`{"tranche":"t1","amount":1000,"currency":"USD","currency":"EUR"}`)
	if _, err := Sign(k, p); err == nil || !strings.Contains(err.Error(), `"currency" twice`) {
		t.Errorf("signed a body with a duplicate key: %v", err)
	}
}

func mustField(t *testing.T, env []byte, name string) string {
	var m map[string]any
	if err := json.Unmarshal(env, &m); err != nil {
		t.Fatal(err)
	}
	return m[name].(string)
}

// TestEveryTypeRoundTrips: what encoding/json writes for each type's body
// is canonical.
func TestEveryTypeRoundTrips(t *testing.T) {
	for _, typ := range Types() {
		body, _ := json.Marshal(bodies[typ]())
		p := Payload{Type: typ, Agreement: "a", ID: "x", Author: "b", Time: time.Unix(0, 0), Body: body}
		b, err := Canonical(p)
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		st, err := Parse(envelope(string(b)))
		if err != nil {
			t.Fatalf("%s: the canonical encoding does not parse: %v", typ, err)
		}
		if string(st.Body) != string(body) {
			t.Errorf("%s: body %s, encoding/json writes %s", typ, st.Body, body)
		}
	}
}

// FuzzPayload: a payload that parses is its own canonical encoding, and a
// reader that matches keys exactly and keeps the first of duplicates (as
// Go does not) reads the same author, type, id and body from it.
func FuzzPayload(f *testing.F) {
	f.Add(canonPayment)
	f.Add(strings.Replace(canonPayment, `"author":"il-treasury"`, `"author":"il-treasury","AUTHOR":"kp"`, 1))
	f.Add(strings.Replace(canonPayment, `"amount":1000`, `"amount":1e3`, 1))
	f.Add(`{"type":"clock.tick","agreement":"a","id":"t","author":"op","time":"2020-01-01T00:00:00Z","body":{}}`)
	f.Add(`{"type":"declaration.submit","agreement":"a","id":"d","author":"x","time":"2020-01-01T00:00:00Z","body":{"site":"s","items":[{"name":"a","Name":"b"}]}}`)
	f.Add(`{"type":"selection.commit","agreement":"a","id":"c","author":"x","time":"2020-01-01T00:00:00Z","body":{"commitments":[{"declaration":"d","p":0.55,"commitment":"ab"}]}}`)
	body, _ := json.Marshal(ReportBody{Site: "s", Outcome: Cleared, Findings: []Finding{{Item: 1, Finding: "<ok> & \u2028"}}, Start: time.Unix(0, 5).UTC()})
	f.Add(`{"type":"inspection.report","agreement":"a","id":"r","author":"x","time":"2020-01-01T00:00:00Z","body":` + string(body) + `}`)
	f.Fuzz(func(t *testing.T, payload string) {
		st, err := Parse(envelope(payload))
		if err != nil {
			return
		}
		b, err := Canonical(st.Payload)
		if err != nil || string(b) != payload {
			t.Fatalf("accepted a payload that is not canonical:\n%s\n%s (%v)", payload, b, err)
		}
		ks, vs, ok := members([]byte(payload))
		if !ok {
			t.Fatal("accepted a payload that is not an object")
		}
		want := []string{"type", "agreement", "id", "author", "time", "body"}
		if strings.Join(ks, ",") != strings.Join(want, ",") {
			t.Fatalf("keys %v", ks)
		}
		for i, v := range []string{st.Type, st.Agreement, st.ID, st.Author} {
			var s string
			if json.Unmarshal(vs[i], &s) != nil || s != v {
				t.Fatalf("%s is %s to an exact reader, %q to Surety", ks[i], vs[i], v)
			}
		}
		if string(vs[5]) != string(st.Body) {
			t.Fatalf("body %s to an exact reader, %s to Surety", vs[5], st.Body)
		}
		// The walk writes what encoding/json writes for a body it takes
		// as it is: the two agree on the canonical encoding.
		var out bytes.Buffer
		if err := walk(st.Body, reflect.TypeOf(bodies[st.Type]()), "payload.body", &out); err != nil || out.String() != string(st.Body) {
			t.Fatalf("the walk writes %s for the body %s (%v)", out.Bytes(), st.Body, err)
		}
	})
}
