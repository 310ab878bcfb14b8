"""Real servers on loopback, each with one fault, for end-to-end verdict tests and benchmarks."""
