package qoqa

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// TokenStore keeps the access token between runs, so that the PIN flow runs
// once.
type TokenStore interface {
	// Load returns the stored token, or ErrNoToken.
	Load(ctx context.Context) (Token, error)
	Save(ctx context.Context, t Token) error
}

// ErrNoToken is returned by Load when no token is stored yet.
var ErrNoToken = errors.New("qoqa: no access token stored (run the PIN flow)")

// FileTokenStore keeps the token in a JSON file readable by its owner only.
type FileTokenStore struct {
	Path string
}

// Load implements TokenStore. It refuses a file that others can read: a
// token that leaked must be revoked, not used.
func (s FileTokenStore) Load(ctx context.Context) (Token, error) {
	f, err := os.Open(s.Path)
	if errors.Is(err, os.ErrNotExist) {
		return Token{}, ErrNoToken
	}
	if err != nil {
		return Token{}, fmt.Errorf("qoqa: token file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Token{}, fmt.Errorf("qoqa: token file: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		return Token{}, fmt.Errorf("qoqa: token file %s has mode %04o: others may read it; revoke the token, or chmod 600 if it never leaked", s.Path, perm)
	}
	var t Token
	if err := json.NewDecoder(f).Decode(&t); err != nil {
		return Token{}, fmt.Errorf("qoqa: token file %s does not parse", s.Path) // no %w: the decoder may quote the file
	}
	if t.Token == "" || t.Secret == "" {
		return Token{}, fmt.Errorf("qoqa: token file %s is incomplete", s.Path)
	}
	return t, nil
}

// Save implements TokenStore: it writes a temporary file with mode 0600 in
// the same directory, syncs it and renames it over the old one, so that a
// crash leaves either token whole.
func (s FileTokenStore) Save(ctx context.Context, t Token) error {
	dir := filepath.Dir(s.Path)
	tmp, err := os.CreateTemp(dir, ".qoqa-token-*")
	if err != nil {
		return fmt.Errorf("qoqa: token file: %w", err)
	}
	defer os.Remove(tmp.Name()) // a no-op after the rename
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("qoqa: token file: %w", err)
	}
	if err := json.NewEncoder(tmp).Encode(t); err != nil {
		tmp.Close()
		return fmt.Errorf("qoqa: token file: write failed")
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("qoqa: token file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("qoqa: token file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.Path); err != nil {
		return fmt.Errorf("qoqa: token file: %w", err)
	}
	return nil
}

// MemoryTokenStore keeps the token in memory, for tests and one-off runs.
type MemoryTokenStore struct {
	mu sync.Mutex
	t  *Token
}

// Load implements TokenStore.
func (s *MemoryTokenStore) Load(ctx context.Context) (Token, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.t == nil {
		return Token{}, ErrNoToken
	}
	return *s.t, nil
}

// Save implements TokenStore.
func (s *MemoryTokenStore) Save(ctx context.Context, t Token) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t = &t
	return nil
}
