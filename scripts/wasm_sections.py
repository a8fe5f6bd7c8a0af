"""Reading a WebAssembly module's sections, for the site's build scripts (no dependencies)."""


def leb128(data, at):
    """The unsigned LEB128 number at `at`, and where the bytes after it start."""
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, at


def sections(data):
    """Each section after the header: (start, end, its body's start, the custom section's name
    or None for a standard section)."""
    at = 8
    while at < len(data):
        start, section_id = at, data[at]
        size, body = leb128(data, at + 1)
        at = body + size
        name = None
        if section_id == 0:
            name_length, name_at = leb128(data, body)
            name, body = data[name_at:name_at + name_length], name_at + name_length
        yield start, at, body, name
