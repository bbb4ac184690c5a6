"""Recording and the archive (Decree 154/2026 Art. 24): slices ingested without loss, finished files, the signed manifest, playback and access."""
