"""A stream read from its start again after its first bytes were taken: for the readers'
look at a file's first bytes when it is a pipe, and for the Avro reader's resumed read."""
import io
from typing import BinaryIO


class Prefixed(io.RawIOBase):
    """`head`, then what is left of `rest`, as one stream that counts its offset (a pipe
    has none, and fastavro asks)."""

    def __init__(self, head: bytes, rest: BinaryIO) -> None:
        self.head, self.rest, self.position = head, rest, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            count = min(len(buffer), len(self.head))
            buffer[:count], self.head = self.head[:count], self.head[count:]
        else:
            count = self.rest.readinto(buffer)
        self.position += count
        return count

    def tell(self) -> int:
        return self.position
