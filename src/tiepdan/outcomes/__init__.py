"""What comes out of a session (Decree 154/2026 Art. 25): the conclusion notice, its approval and issue, the minutes and citizens' extracts."""
