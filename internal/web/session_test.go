package web

import (
	"errors"
	"testing"
	"time"

	"github.com/surety/surety/internal/state"
)

// TestSessionsBounded: a principal signing in again and again, or anyone
// asking for challenges, fills no more than the bounds; expired ones make
// room; a challenge answers once, and not after it expires.
func TestSessionsBounded(t *testing.T) {
	s := newSessions()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	for range maxSessions {
		if _, _, err := s.open("il-envoy", now); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := s.open("il-envoy", now); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("session %d: %v", maxSessions+1, err)
	}
	if _, _, err := s.open("il-envoy", now.Add(sessionTTL+time.Second)); err != nil || len(s.byToken) != 1 {
		t.Errorf("after every session expired: %v, %d sessions", err, len(s.byToken))
	}
	for range maxPending {
		if _, err := s.challenge(now); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.challenge(now); !errors.Is(err, state.ErrForbidden) {
		t.Errorf("challenge %d: %v", maxPending+1, err)
	}
	late := now.Add(challengeTTL + time.Second)
	c, err := s.challenge(late)
	if err != nil || len(s.challenges) != 1 {
		t.Fatalf("after every challenge expired: %v, %d challenges", err, len(s.challenges))
	}
	if !s.take(c, late) || s.take(c, late) {
		t.Error("a challenge answers one sign-in, once")
	}
	c, _ = s.challenge(late)
	if s.take(c, late.Add(challengeTTL+time.Second)) {
		t.Error("an expired challenge was taken")
	}
}
