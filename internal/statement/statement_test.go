package statement

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/surety/surety/internal/keys"
)

func sample(t testing.TB) (*keys.Signer, []byte) {
	k, err := keys.Derive("test", "kp-export-authority")
	if err != nil {
		t.Fatal(err)
	}
	env, err := Sign(k, Payload{Type: "declaration.submit", Agreement: "il-kp-1993", ID: "d-1", Author: k.Name,
		Time: time.Date(1993, 8, 1, 12, 0, 0, 0, time.UTC), Body: json.RawMessage(`{"site":"fnj"}`)})
	if err != nil {
		t.Fatal(err)
	}
	return k, env
}

func TestSignParseVerify(t *testing.T) {
	k, env := sample(t)
	st, err := Parse(env)
	if err != nil {
		t.Fatal(err)
	}
	if st.Type != "declaration.submit" || st.ID != "d-1" || string(st.Body) != `{"site":"fnj"}` {
		t.Errorf("payload %+v", st.Payload)
	}
	if !bytes.Equal(st.Envelope, env) {
		t.Errorf("Sign did not return the canonical envelope")
	}
	if err := st.Verify(k.Public()); err != nil {
		t.Fatalf("verify: %v", err)
	}
	other, _ := keys.Derive("test", "someone-else")
	if err := st.Verify(other.Public()); !errors.Is(err, ErrSignature) {
		t.Errorf("verified with another key: %v", err)
	}
}

func TestTamperedPayloadFails(t *testing.T) {
	k, env := sample(t)
	var e map[string]any
	_ = json.Unmarshal(env, &e)
	p, _ := base64.StdEncoding.DecodeString(e["payload"].(string))
	e["payload"] = base64.StdEncoding.EncodeToString(bytes.Replace(p, []byte("fnj"), []byte("kpn"), 1))
	b, _ := json.Marshal(e)
	st, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Verify(k.Public()); !errors.Is(err, ErrSignature) {
		t.Errorf("a changed payload verified: %v", err)
	}
}

// TestMalleability: other encodings of the same envelope parse to the same
// canonical bytes and sum, so resubmitting them is idempotent.
func TestMalleability(t *testing.T) {
	_, env := sample(t)
	st, _ := Parse(env)
	var e map[string]any
	_ = json.Unmarshal(env, &e)
	p, _ := base64.StdEncoding.DecodeString(e["payload"].(string))
	e["payload"] = base64.URLEncoding.EncodeToString(p)
	spaced, _ := json.MarshalIndent(e, "", "   ")
	st2, err := Parse(spaced)
	if err != nil {
		t.Fatal(err)
	}
	if st2.Sum != st.Sum || !bytes.Equal(st2.Envelope, st.Envelope) {
		t.Errorf("two encodings of one statement have different canonical forms")
	}
}

func TestParseRejects(t *testing.T) {
	_, env := sample(t)
	var e map[string]any
	_ = json.Unmarshal(env, &e)
	payload := func(p string) []byte {
		c := map[string]any{}
		for k, v := range e {
			c[k] = v
		}
		c["payload"] = base64.StdEncoding.EncodeToString([]byte(p))
		b, _ := json.Marshal(c)
		return b
	}
	for name, c := range map[string]struct {
		in   []byte
		want error
		msg  string
	}{
		"not json":        {[]byte("nope"), ErrMalformed, "not DSSE JSON"},
		"too large":       {bytes.Repeat([]byte(" "), MaxSize+1), ErrTooLarge, "limit"},
		"wrong type":      {[]byte(strings.Replace(string(env), "vnd.surety", "vnd.other", 1)), ErrMalformed, "payloadType"},
		"envelope key":    {[]byte(strings.Replace(string(env), `"payloadType"`, `"note":"x","payloadType"`, 1)), ErrMalformed, `envelope has no field "note"`},
		"envelope twice":  {append(bytes.Clone(env), env...), ErrMalformed, "after top-level value"},
		"payload twice":   {payload(`{"type":"a.b","agreement":"x","id":"1","author":"a","time":"2020-01-01T00:00:00Z","body":{}}{}`), ErrMalformed, "payload: data after the value"},
		"no signature":    {[]byte(`{"payloadType":"` + PayloadType + `","payload":"e30=","signatures":[]}`), ErrMalformed, "0 signatures"},
		"unknown field":   {payload(`{"type":"a.b","agreement":"x","id":"1","author":"a","time":"2020-01-01T00:00:00Z","body":{},"extra":1}`), ErrMalformed, `no field "extra"`},
		"missing author":  {payload(`{"type":"a.b","agreement":"x","id":"1","time":"2020-01-01T00:00:00Z","body":{}}`), ErrMalformed, "payload.author"},
		"bad type":        {payload(`{"type":"Declare","agreement":"x","id":"1","author":"a","time":"2020-01-01T00:00:00Z","body":{}}`), ErrMalformed, "statement type"},
		"body not object": {payload(`{"type":"a.b","agreement":"x","id":"1","author":"a","time":"2020-01-01T00:00:00Z","body":[1]}`), ErrMalformed, "JSON object"},
		"no time":         {payload(`{"type":"a.b","agreement":"x","id":"1","author":"a","body":{}}`), ErrMalformed, "payload.time"},
		"bad id":          {payload(`{"type":"a.b","agreement":"x","id":" x","author":"a","time":"2020-01-01T00:00:00Z","body":{}}`), ErrMalformed, "payload.id"},
	} {
		_, err := Parse(c.in)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: got %v, want %v mentioning %q", name, err, c.want, c.msg)
		}
	}
}

func FuzzParse(f *testing.F) {
	k, env := sample(f)
	f.Add(env)
	f.Add([]byte(`{"payloadType":"` + PayloadType + `","payload":"e30=","signatures":[{"keyid":"","sig":"AA=="}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		st, err := Parse(b)
		if err != nil {
			return
		}
		// What parses re-parses to itself.
		st2, err := Parse(st.Envelope)
		if err != nil || st2.Sum != st.Sum {
			t.Fatalf("canonical form does not re-parse: %v", err)
		}
		_ = st.Verify(k.Public())
	})
}

func BenchmarkVerify(b *testing.B) {
	k, env := sample(b)
	st, _ := Parse(env)
	for b.Loop() {
		if err := st.Verify(k.Public()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParse reads a signed statement, as the log does each one it is
// sent before it verifies the signature: a clock tick (the statement of
// surety bench ingest) and a declaration.
func BenchmarkParse(b *testing.B) {
	k, decl := sample(b)
	tick, err := Sign(k, Payload{Type: TypeClockTick, Agreement: "il-kp-1993", ID: "bench-1", Author: k.Name,
		Time: time.Date(1993, 8, 1, 12, 0, 0, 0, time.UTC), Body: json.RawMessage(`{}`)})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name string
		env  []byte
	}{{"tick", tick}, {"declaration", decl}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Parse(c.env); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
