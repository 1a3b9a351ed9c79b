"""clinwell: measure clinician burnout, understand its drivers, act, and measure again."""

__version__ = "0.1.0"
