"""A scoring run's segment of every customer, stored compactly for the segment migration matrix."""

from __future__ import annotations

import io
import zlib

import numpy as np
from numpy.typing import NDArray


def pack(contact_id: NDArray[np.int64], segment_code: NDArray[np.int8]) -> bytes:
    """Ascending ids as deltas plus one byte of segment code each, zlib-compressed."""
    buffer = io.BytesIO()
    np.savez(buffer, delta=np.diff(contact_id, prepend=0).astype(np.int64), code=segment_code.astype(np.int8))
    return zlib.compress(buffer.getvalue(), 6)


def unpack(blob: bytes) -> tuple[NDArray[np.int64], NDArray[np.int8]]:
    with np.load(io.BytesIO(zlib.decompress(blob))) as data:
        return np.cumsum(data["delta"]).astype(np.int64), data["code"].astype(np.int8)
