"""A minimal protobuf writer for temporal.api.common.v1.Payload, to build
stored objects as the Temporal SDKs' S3 drivers write them (binary/zlib,
binary/encrypted, malformed bodies)."""


def varint(n):
    out = b""
    while n >= 0x80:
        out += bytes([n & 0x7F | 0x80])
        n >>= 7
    return out + bytes([n])


def field(number, data):
    return varint(number << 3 | 2) + varint(len(data)) + data


def payload_wire(metadata, data):
    body = b"".join(field(1, field(1, k.encode()) + field(2, v if isinstance(v, bytes) else v.encode()))
                    for k, v in sorted(metadata.items()))
    return body + (field(2, data) if data else b"")
