"""Stage 2: one module per system, each turning files (or objects) into typed, positioned facts.

Units are converted here, once, and the raw text is kept next to the seconds.
"""
