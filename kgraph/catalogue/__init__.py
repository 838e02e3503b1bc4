"""Stage 2, the concept catalogue: load and validate ``models/concepts/*.jsonl``."""
