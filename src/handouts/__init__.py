"""handouts: one YAML file of key points in, a patient handout PDF and a slide deck out."""

__version__ = "0.1.0"
