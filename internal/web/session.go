package web

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/surety/surety/internal/agreement"
	"github.com/surety/surety/internal/keys"
	"github.com/surety/surety/internal/state"
	"github.com/surety/surety/internal/statement"
)

// A principal signs in by signing a challenge with its key in the
// browser; the key never leaves it. The session is a random token in a
// cookie that is Secure, HttpOnly and SameSite=Strict, and every request
// that acts in the session carries the session's CSRF token in a header.
const (
	cookieName = "surety_session"
	csrfHeader = "X-Surety-CSRF"
	// challengeTTL is how long a challenge may be answered.
	challengeTTL = 2 * time.Minute
	// sessionTTL is how long a session lasts.
	sessionTTL = 8 * time.Hour
	// maxPending bounds the challenges held at once, and maxSessions the
	// sessions, so that neither asking for challenges nor signing in again
	// and again can fill the server's memory.
	maxPending  = 10000
	maxSessions = 10000
)

type session struct {
	Principal string
	CSRF      string
	Expires   time.Time
}

// sessions holds the challenges issued and the sessions signed in, in
// memory: a restart signs everyone out.
type sessions struct {
	mu         sync.Mutex
	challenges map[string]time.Time
	byToken    map[string]session
}

func newSessions() *sessions {
	return &sessions{challenges: map[string]time.Time{}, byToken: map[string]session{}}
}

func token() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail
	return base64.RawURLEncoding.EncodeToString(b)
}

// challenge issues a fresh challenge.
func (s *sessions) challenge(now time.Time) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c, exp := range s.challenges {
		if now.After(exp) {
			delete(s.challenges, c)
		}
	}
	if len(s.challenges) >= maxPending {
		return "", fmt.Errorf("%w: too many sign-ins under way; try again in a minute", state.ErrForbidden)
	}
	c := token()
	s.challenges[c] = now.Add(challengeTTL)
	return c, nil
}

// take uses up a challenge; a challenge answers one sign-in only.
func (s *sessions) take(c string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.challenges[c]
	delete(s.challenges, c)
	return ok && !now.After(exp)
}

func (s *sessions) open(principal string, now time.Time) (string, session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t, ss := range s.byToken {
		if now.After(ss.Expires) {
			delete(s.byToken, t)
		}
	}
	if len(s.byToken) >= maxSessions {
		return "", session{}, fmt.Errorf("%w: too many sessions open; try again later", state.ErrForbidden)
	}
	t, ss := token(), session{Principal: principal, CSRF: token(), Expires: now.Add(sessionTTL)}
	s.byToken[t] = ss
	return t, ss, nil
}

func (s *sessions) close(t string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.byToken, t)
}

// of returns the request's session, if it has a live one.
func (s *sessions) of(r *http.Request, now time.Time) (string, session, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return "", session{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss, ok := s.byToken[c.Value]
	if ok && now.After(ss.Expires) {
		delete(s.byToken, c.Value)
		ok = false
	}
	return c.Value, ss, ok
}

// acting returns the session of a request that acts in it: it must carry
// the session's CSRF token.
func (s *sessions) acting(r *http.Request, now time.Time) (string, session, error) {
	t, ss, ok := s.of(r, now)
	if !ok {
		return "", session{}, fmt.Errorf("%w: sign in first", state.ErrForbidden)
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(csrfHeader)), []byte(ss.CSRF)) != 1 {
		return "", session{}, fmt.Errorf("%w: the request lacks the session's %s header", state.ErrForbidden, csrfHeader)
	}
	return t, ss, nil
}

// SignInMessage is what a principal signs to sign in: the log's origin,
// the principal and the challenge, so that a signature answers one
// challenge of one log only.
func SignInMessage(origin, principal, challenge string) []byte {
	return []byte("surety sign-in v1\n" + origin + "\n" + principal + "\n" + challenge + "\n")
}

func (d *Dashboard) postChallenge(w http.ResponseWriter, r *http.Request) error {
	c, err := d.sessions.challenge(time.Now())
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]string{"challenge": c})
}

type signIn struct {
	Principal string `json:"principal"`
	Challenge string `json:"challenge"`
	Signature string `json:"signature"`
}

func (d *Dashboard) postSignIn(w http.ResponseWriter, r *http.Request) error {
	var in signIn
	if err := readJSON(r, &in); err != nil {
		return err
	}
	now := time.Now()
	if !d.sessions.take(in.Challenge, now) {
		return fmt.Errorf("%w: the challenge is unknown, used or expired; ask for another", state.ErrForbidden)
	}
	spec, err := d.adopted(r.Context())
	if err != nil {
		return err
	}
	pr := principal(spec, in.Principal)
	if pr == nil {
		return fmt.Errorf("%w: agreement %s has no principal %q", state.ErrForbidden, spec.ID, in.Principal)
	}
	_, pub, err := keys.ParsePublic(pr.Key)
	if err != nil {
		return fmt.Errorf("%w: principal %s's key: %v", state.ErrForbidden, pr.ID, err)
	}
	sig, err := base64.StdEncoding.DecodeString(in.Signature)
	if err != nil || !ed25519.Verify(pub, SignInMessage(spec.Origin(), pr.ID, in.Challenge), sig) {
		return fmt.Errorf("%w: the signature is not %s's", state.ErrForbidden, pr.ID)
	}
	t, ss, err := d.sessions.open(pr.ID, now)
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: t, Path: "/", Expires: ss.Expires,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	return writeJSON(w, map[string]string{"principal": pr.ID, "csrf": ss.CSRF})
}

func (d *Dashboard) postSignOut(w http.ResponseWriter, r *http.Request) error {
	t, _, err := d.sessions.acting(r, time.Now())
	if err != nil {
		return err
	}
	d.sessions.close(t)
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1,
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type draft struct {
	Type string          `json:"type"`
	ID   string          `json:"id"`
	Body json.RawMessage `json:"body"`
}

// postDraft makes a signed-in principal's statement ready to sign: the
// canonical payload, authored by the session's principal at the log's
// time, and the key id the envelope names. The browser shows the payload,
// signs it and sends the envelope to POST /v1/statements, as the CLI does:
// the server never holds the key.
func (d *Dashboard) postDraft(w http.ResponseWriter, r *http.Request) error {
	_, ss, err := d.sessions.acting(r, time.Now())
	if err != nil {
		return err
	}
	var in draft
	if err := readJSON(r, &in); err != nil {
		return err
	}
	spec, err := d.adopted(r.Context())
	if err != nil {
		return err
	}
	_, pub, err := keys.ParsePublic(principal(spec, ss.Principal).Key)
	if err != nil {
		return err
	}
	p := statement.Payload{Type: in.Type, Agreement: spec.ID, ID: in.ID, Author: ss.Principal, Time: d.log.Now(), Body: in.Body}
	b, err := statement.Canonical(p)
	if err != nil {
		return err
	}
	return writeJSON(w, map[string]string{"payload": base64.StdEncoding.EncodeToString(b), "payloadType": statement.PayloadType,
		"keyid": statement.KeyID(pub), "preview": string(b)})
}

func principal(spec *agreement.Spec, id string) *agreement.Principal {
	for i := range spec.Parties {
		for k := range spec.Parties[i].Principals {
			if pr := &spec.Parties[i].Principals[k]; pr.ID == id {
				return pr
			}
		}
	}
	return nil
}

func readJSON(r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("%w: the request body: %v", state.ErrInvalid, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%w: the request body is not the JSON expected: %v", state.ErrInvalid, err)
	}
	return nil
}

func writeJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	return json.NewEncoder(w).Encode(v)
}
