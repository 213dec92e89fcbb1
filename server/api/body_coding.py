"""Request bodies sent with Content-Encoding gzip or br (a phone on 3G compresses a big push).

The body's limit holds for the decoded bytes: decoding goes in bounded steps and stops one byte
past the limit, so 10 MB of zeros gzipped to 10 KB costs at most the limit in memory, never
10 MB, before it is refused with 413. An unknown coding is 415 (RFC 9110 15.5.16); bytes that
do not decode are 400.
"""
import zlib

import brotli
from werkzeug.exceptions import RequestEntityTooLarge

from .errors import ApiError

STEP = 64 * 1024  # output produced per step: memory stays at the limit plus one step


def decoded_body(raw: bytes, coding: str, limit: int) -> bytes:
    """`raw` decoded by `coding` ("gzip", "x-gzip", "br"); 413 past `limit` bytes, 415, or 400."""
    if coding in ("gzip", "x-gzip"):
        return _gunzip(raw, limit)
    if coding == "br":
        return _unbrotli(raw, limit)
    raise ApiError(415, f"Content-Encoding {coding!r} is not understood: send gzip, br or none.",
                   "unsupported_media_type")


def _gunzip(raw: bytes, limit: int) -> bytes:
    out = bytearray()
    unpacker = zlib.decompressobj(zlib.MAX_WBITS | 16)
    data = raw
    try:
        while True:
            out += unpacker.decompress(data, STEP)
            _check(out, limit)
            data = unpacker.unconsumed_tail
            if unpacker.eof:
                break
            if not data:  # every input byte taken, and still no end of the gzip stream
                out += unpacker.flush()
                _check(out, limit)
                if not unpacker.eof:
                    raise zlib.error("truncated")
                break
    except zlib.error:
        raise _corrupt("gzip")
    # unused_data would be a second gzip member: rare, and not what any client of ours sends
    return bytes(out)


def _unbrotli(raw: bytes, limit: int) -> bytes:
    out = bytearray()
    unpacker = brotli.Decompressor()
    try:
        out += unpacker.process(raw, output_buffer_limit=STEP)
        _check(out, limit)
        while not unpacker.is_finished():  # the input is held inside: drain it a step at a time
            step = unpacker.process(b"", output_buffer_limit=STEP)
            if not step:
                break  # no end and nothing more to give: truncated
            out += step
            _check(out, limit)
    except brotli.error:
        raise _corrupt("br")
    if not unpacker.is_finished():
        raise _corrupt("br")
    return bytes(out)


def _check(out: bytearray, limit: int) -> None:
    if len(out) > limit:
        raise RequestEntityTooLarge()


def _corrupt(coding: str) -> ApiError:
    return ApiError(400, f"The body is not valid {coding} (Content-Encoding: {coding}).", "bad_request")
