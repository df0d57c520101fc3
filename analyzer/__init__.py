"""sincerity-analyzer: finds apologies in call audio and judges how they were delivered."""

__version__ = "0.1.0"
