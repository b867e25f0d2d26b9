"""The kernel's sockets: behaviour that services above the content apps supply at start-up.

A content app (walls, later engagement or shop) asks the kernel "may this text go out?", "may
this member write here?", "record this event"; moderation and analytics answer by plugging an
implementation into the socket in their `AppConfig.ready()`. So a content app never imports a
service, and the imports keep pointing down (docs/architecture.md, "Layers"). Each socket is a
class whose own methods are the answer when no service is installed.
"""

from __future__ import annotations

from typing import TypeVar

Socket = TypeVar("Socket")

_plugged: dict[type, object] = {}


def plug(socket: type[Socket], implementation: Socket) -> None:
    """Answer `socket` with `implementation` (an instance of a subclass of it) from now on."""
    if not isinstance(implementation, socket):
        raise TypeError(f"{implementation!r} does not implement {socket.__name__}")
    _plugged[socket] = implementation


def answer(socket: type[Socket]) -> Socket:
    """Whatever answers `socket`: the plugged implementation, else the socket's own default."""
    found = _plugged.get(socket)
    if found is None:
        found = _plugged[socket] = socket()
    return found  # type: ignore[return-value]
