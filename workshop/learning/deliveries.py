"""Who received which message: the table the rooms notebook shows and asserts on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from workshop.running.clients import ChatClient


@dataclass
class DeliveryTable:
    """One row per message said, one column per client: did it reach that client?"""

    messages: list[str]
    received: dict[str, list[str]]

    @classmethod
    def of(cls, messages: Iterable[str], clients: Iterable[ChatClient]) -> DeliveryTable:
        return cls(list(messages), {client.name: client.messages for client in clients})

    def receivers_of(self, message: str) -> list[str]:
        return [name for name, got in self.received.items() if message in got]

    def _repr_markdown_(self) -> str:
        names = list(self.received)
        lines = ["| message | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        for message in self.messages:
            marks = ["✔" if message in self.received[name] else "·" for name in names]
            lines.append(f"| {message} | " + " | ".join(marks) + " |")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self._repr_markdown_()
