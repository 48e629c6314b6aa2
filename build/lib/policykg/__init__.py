"""policykg: a knowledge graph of China's vocational skills training plans."""

__version__ = "0.1.0"
