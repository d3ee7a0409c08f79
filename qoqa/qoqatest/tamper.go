package qoqatest

import "github.com/qoqasync/qoqasync/qoqa"

// Tamper changes a record behind the API's back: fields are merged in and
// updated_at stays as it was, as a fix made in QoQa's database would leave
// it. No search finds the change; an audit of the sync must.
func (s *Server) Tamper(endpoint string, id qoqa.ID, fields map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.records[endpoint][int64(id)]; ok {
		for k, v := range fields {
			r.fields[k] = v
		}
	}
}
