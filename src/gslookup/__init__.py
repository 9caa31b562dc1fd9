"""gslookup: an offline reference for growth-hormone secretagogues and GH-axis agents."""

__version__ = "0.1.0"
