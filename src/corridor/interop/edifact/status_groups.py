"""The segment groups of an IFTSTA message (UN/EDIFACT D.99B, section 4.3.1 segment table).

Only the groups that carry a status event are kept; the rest is read through::

    UNH BGM DTM* TSR  SG1(NAD SG2(CTA COM*))*  SG3(RFF DTM)*  LOC* FTX* CNT*     header
    SG4  CNI LOC* CNT*                                                          a consignment
      SG5  STS RFF* DTM* DOC FTX* NAD* LOC PCI*                                 one status event
        SG6  TDT DTM* RFF*  SG7(LOC DTM*)*                                      its conveyance
        SG8  EQD MEA* DIM* SEL* RFF* TPL* TMD  SG9(EQA SEL*)*                   its equipment
        SG10 GID HAN* SGP* DGS* FTX* SG11(MEA EQN) SG12(DIM EQN) SG13(PCI GIN)  goods (not read)
    UNT

A segment is placed by its tag and the group it follows, as the table orders them: the LOC right
after STS (before any TDT) is the place of the status event, a LOC after TDT belongs to the
conveyance (SG7), an RFF after STS is the status's reference, an RFF in the header (SG3) applies to
the whole message. ``StatusGroup.index`` counts status groups through the message (1-based): with
the interchange and message references it names the status group for good.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from corridor.interop.edifact.interchange import Message, Segment, SegmentError

__all__ = ["MessageHeader", "StatusGroup", "TransportGroup", "read_groups"]

_Level = Literal["header", "consignment", "status", "transport", "equipment", "goods"]


@dataclass
class TransportGroup:
    """SG6: a TDT with the DTM, RFF and LOC segments that follow it."""

    tdt: Segment
    others: list[Segment] = field(default_factory=list)


@dataclass
class StatusGroup:
    """SG5: one STS, its references, dates, place, conveyances and equipment."""

    consignment: int
    index: int
    sts: Segment
    references: list[Segment] = field(default_factory=list)
    dates: list[Segment] = field(default_factory=list)
    locations: list[Segment] = field(default_factory=list)
    transports: list[TransportGroup] = field(default_factory=list)
    equipment: list[Segment] = field(default_factory=list)

    def segments(self) -> list[Segment]:
        """The status's own segments and its conveyances' (not its equipment)."""
        conveyances = [
            s for transport in self.transports for s in (transport.tdt, *transport.others)
        ]
        return [self.sts, *self.references, *self.dates, *self.locations, *conveyances]


@dataclass
class MessageHeader:
    """What the message says before its first consignment (SG4)."""

    bgm: Segment | None = None
    dates: list[Segment] = field(default_factory=list)
    references: list[Segment] = field(default_factory=list)


@dataclass
class _Walk:
    header: MessageHeader = field(default_factory=MessageHeader)
    groups: list[StatusGroup] = field(default_factory=list)
    level: _Level = "header"
    consignments: int = 0

    def place(self, segment: Segment) -> None:
        tag = segment.tag
        if tag == "CNI":
            self.consignments += 1
            self.level = "consignment"
        elif tag == "STS":
            self._open_status(segment)
        elif tag in {"TDT", "EQD", "GID"}:
            self._open_subgroup(segment)
        elif self.level == "header":
            self._place_in_header(segment)
        elif self.level in {"status", "transport"}:
            self._place_in_status(segment)

    def _open_status(self, sts: Segment) -> None:
        if self.consignments == 0:
            raise SegmentError(sts, "STS comes before any CNI: the message has no consignment")
        self.groups.append(StatusGroup(self.consignments, len(self.groups) + 1, sts))
        self.level = "status"

    def _open_subgroup(self, segment: Segment) -> None:
        if self.level not in {"status", "transport", "equipment", "goods"}:
            raise SegmentError(segment, f"{segment.tag} comes before any STS status segment")
        group = self.groups[-1]
        if segment.tag == "TDT":
            group.transports.append(TransportGroup(segment))
            self.level = "transport"
        elif segment.tag == "EQD":
            group.equipment.append(segment)
            self.level = "equipment"
        else:
            self.level = "goods"

    def _place_in_header(self, segment: Segment) -> None:
        if segment.tag == "BGM":
            self.header.bgm = segment
        elif segment.tag == "DTM":
            self.header.dates.append(segment)
        elif segment.tag == "RFF":
            self.header.references.append(segment)

    def _place_in_status(self, segment: Segment) -> None:
        group = self.groups[-1]
        if self.level == "transport":
            group.transports[-1].others.append(segment)
        elif segment.tag == "RFF":
            group.references.append(segment)
        elif segment.tag == "DTM":
            group.dates.append(segment)
        elif segment.tag == "LOC":
            group.locations.append(segment)


def read_groups(message: Message) -> tuple[MessageHeader, list[StatusGroup]]:
    """Split ``message`` into its header and status groups.

    Raises ``SegmentError`` when a status, conveyance or equipment segment has no group to go in.
    """
    walk = _Walk()
    for segment in message.segments[1:-1]:
        walk.place(segment)
    return walk.header, walk.groups
