"""DCSA Track & Trace 2.2 and 3.0: reading, checking and converting tracking events."""
