"""UN/EDIFACT: IFTSTA status reports read as DCSA TNT 3.0 events.

``interchange`` assembles the envelope (UNA, UNB ... UNZ, UNH ... UNT) around pydifact's
tokens; ``status_groups`` splits an IFTSTA message into its D.99B segment groups; ``codes`` holds
the code lists and their DCSA meaning; ``datetimes`` reads DTM values; ``iftsta`` maps status
groups to events. The mapping is documented in ``docs/iftsta-mapping.md``.
"""

from __future__ import annotations

from corridor.interop.edifact.iftsta import read_iftsta

__all__ = ["read_iftsta"]
