# SPDX-License-Identifier: Apache-2.0
"""Contract object storage: (contract id, space id, key) → value, with transaction overlays.

A transaction runs against an `Overlay`; on success its writes are committed to the
parent, on any error they are dropped, so a rejected transaction leaves no trace.
Key iteration is in byte order, like the chain's `get_next_object`.
"""

_DELETED = object()


class Store:
    """The committed contract state."""

    def __init__(self):
        self.spaces: dict[tuple[bytes, int], dict[bytes, bytes]] = {}

    def get(self, contract: bytes, space: int, key: bytes) -> bytes | None:
        return self.spaces.get((contract, space), {}).get(key)

    def keys(self, contract: bytes, space: int) -> list[bytes]:
        return sorted(self.spaces.get((contract, space), {}))

    def apply(self, writes: dict) -> None:
        for (contract, space, key), value in writes.items():
            objects = self.spaces.setdefault((contract, space), {})
            if value is _DELETED:
                objects.pop(key, None)
            else:
                objects[key] = value


class Overlay:
    """Uncommitted writes of one transaction (or a read-only view when `read_only`)."""

    def __init__(self, parent: Store, read_only: bool = False):
        self.parent = parent
        self.read_only = read_only
        self.writes: dict = {}
        self.bytes_written = 0

    def get(self, contract: bytes, space: int, key: bytes) -> bytes | None:
        value = self.writes.get((contract, space, key))
        if value is _DELETED:
            return None
        if value is not None:
            return value
        return self.parent.get(contract, space, key)

    def has(self, contract: bytes, space: int, key: bytes) -> bool:
        return self.get(contract, space, key) is not None

    def put(self, contract: bytes, space: int, key: bytes, value: bytes) -> None:
        self._check_writable()
        self.writes[(contract, space, key)] = bytes(value)
        self.bytes_written += len(key) + len(value)

    def remove(self, contract: bytes, space: int, key: bytes) -> None:
        self._check_writable()
        self.writes[(contract, space, key)] = _DELETED

    def keys(self, contract: bytes, space: int) -> list[bytes]:
        merged = set(self.parent.keys(contract, space))
        for (c, s, k), value in self.writes.items():
            if c == contract and s == space:
                if value is _DELETED:
                    merged.discard(k)
                else:
                    merged.add(k)
        return sorted(merged)

    def commit(self) -> None:
        self.parent.apply(self.writes)
        self.writes = {}

    def _check_writable(self) -> None:
        if self.read_only:
            from .errors import ChainError, REVERSION
            raise ChainError(REVERSION, "unable to perform action while context is read only")
