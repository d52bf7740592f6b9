"""Reading a SQLite database the way an operator with a hex editor would: the raw bytes of the main file and
of its write-ahead log, parsed into b-tree pages (page header, cell pointer array, cells), each cell with its
byte offset in the file and its decoded record. No SQLite involved: this is what lies on the disk.

Used by the anonymity-at-rest tests to ask whether the physical order of rows pairs people with answers.
Format: https://www.sqlite.org/fileformat2.html (sections 1.3 header, 1.6 b-tree pages, 2.1 records, 4 WAL).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

TABLE_LEAF, TABLE_INTERIOR, INDEX_LEAF, INDEX_INTERIOR = 13, 5, 10, 2


@dataclass(frozen=True)
class Cell:
    """One cell of a leaf page as found on disk."""

    source: str  # "db" or "wal"
    image: int  # 0 for the main file; the frame number (1-based) in the WAL
    page: int  # the page number
    offset: int  # the cell's byte offset in its file
    values: tuple  # the decoded record (a table leaf's rowid first)


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise AssertionError("unreachable")


def decode_record(payload: bytes) -> tuple:
    """The values of a record (header of serial types, then the body)."""
    header_size, pos = _varint(payload, 0)
    types = []
    while pos < header_size:
        serial, pos = _varint(payload, pos)
        types.append(serial)
    body, values = header_size, []
    sizes = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}
    for serial in types:
        if serial in (8, 9):
            values.append(serial - 8)
        elif serial == 0:
            values.append(None)
        elif serial == 7:
            values.append(struct.unpack(">d", payload[body : body + 8])[0])
        elif serial <= 6:
            values.append(int.from_bytes(payload[body : body + sizes[serial]], "big", signed=True))
        else:
            length = (serial - 12) // 2 if serial % 2 == 0 else (serial - 13) // 2
            raw = payload[body : body + length]
            values.append(raw if serial % 2 == 0 else raw.decode("utf-8", "replace"))
            body += length
            continue
        body += sizes[serial]
    return tuple(values)


def _local_size(payload: int, usable: int, table: bool) -> int:
    most = usable - 35 if table else (usable - 12) * 64 // 255 - 23
    if payload <= most:
        return payload
    least = (usable - 12) * 32 // 255 - 23
    k = least + (payload - least) % (usable - 4)
    return k if k <= most else least


def page_kind(image: bytes, page: int) -> int:
    """The b-tree page type byte (0 when the page is not a b-tree page, e.g. free or overflow)."""
    return image[100 if page == 1 else 0]


def children(image: bytes, page: int) -> list[int]:
    """The child page numbers of an interior page."""
    hdr = 100 if page == 1 else 0
    count = struct.unpack(">H", image[hdr + 3 : hdr + 5])[0]
    pointers = struct.unpack(f">{count}H", image[hdr + 12 : hdr + 12 + 2 * count])
    return [struct.unpack(">I", image[p : p + 4])[0] for p in pointers] + [struct.unpack(">I", image[hdr + 8 : hdr + 12])[0]]


def leaf_cells(image: bytes, page: int, usable: int) -> list[tuple[int, tuple]]:
    """(offset within the page, record) of every cell of a leaf page, in cell pointer (key) order."""
    hdr = 100 if page == 1 else 0
    kind = image[hdr]
    if kind not in (TABLE_LEAF, INDEX_LEAF):
        return []
    count = struct.unpack(">H", image[hdr + 3 : hdr + 5])[0]
    out = []
    for pointer in struct.unpack(f">{count}H", image[hdr + 8 : hdr + 8 + 2 * count]):
        size, pos = _varint(image, pointer)
        rowid = None
        if kind == TABLE_LEAF:
            rowid, pos = _varint(image, pos)
        local = _local_size(size, usable, kind == TABLE_LEAF)
        try:
            record = decode_record(image[pos : pos + local])
        except (IndexError, UnicodeDecodeError):  # spilled onto overflow pages: the local part only
            record = ()
        out.append((pointer, ((rowid,) if kind == TABLE_LEAF else ()) + record))
    return out


class DatabaseFile:
    """The main file and its -wal as bytes: every page image, and which pages belong to which table."""

    def __init__(self, path: Path) -> None:
        self.data = Path(path).read_bytes()
        size = struct.unpack(">H", self.data[16:18])[0]
        self.page_size = 65536 if size == 1 else size
        self.usable = self.page_size - self.data[20]
        wal = Path(str(path) + "-wal")
        self.wal = wal.read_bytes() if wal.exists() else b""
        self.frames: list[tuple[int, int, bytes]] = []  # (page number, offset of the image in the WAL, image)
        frame = 24 + self.page_size
        for start in range(32, len(self.wal) - frame + 1, frame):
            page = struct.unpack(">I", self.wal[start : start + 4])[0]
            self.frames.append((page, start + 24, self.wal[start + 24 : start + frame]))

    def main_image(self, page: int) -> bytes:
        return self.data[(page - 1) * self.page_size : page * self.page_size]

    def current(self, page: int) -> bytes:
        """The newest image of a page: its last WAL frame, else the main file."""
        for number, _, image in reversed(self.frames):
            if number == page:
                return image
        return self.main_image(page)

    def roots(self) -> dict[str, int]:
        """Each table's and index's root page, read from the schema table (page 1) on disk."""
        roots = {}
        for _, values in self._walk_cells(1):
            _, kind, name, _, rootpage, *_ = values
            if kind in ("table", "index") and rootpage:
                roots[name] = rootpage
        return roots

    def _walk_cells(self, root: int):
        for page in self.pages_of_tree(root):
            yield from leaf_cells(self.current(page), page, self.usable)

    def pages_of_tree(self, root: int) -> list[int]:
        """The leaf pages of the b-tree rooted at ``root`` (its current version)."""
        image = self.current(root)
        if page_kind(image, root) in (TABLE_INTERIOR, INDEX_INTERIOR):
            return [leaf for child in children(image, root) for leaf in self.pages_of_tree(child)]
        return [root]

    def cells(self, table: str) -> list[Cell]:
        """Every cell of ``table`` found anywhere on disk - the main file's pages and every WAL frame of
        the table's pages - in file order (main file first, then the WAL; by byte offset within each)."""
        pages = set(self.pages_of_tree(self.roots()[table]))
        out = []
        for page in sorted(pages):
            for offset, values in leaf_cells(self.main_image(page), page, self.usable):
                out.append(Cell("db", 0, page, (page - 1) * self.page_size + offset, values))
        for number, (page, start, image) in enumerate(self.frames, 1):
            if page in pages:
                for offset, values in leaf_cells(image, page, self.usable):
                    out.append(Cell("wal", number, page, start + offset, values))
        return sorted(out, key=lambda c: (c.source != "db", c.offset))

    def layouts(self, table: str) -> list[list[Cell]]:
        """The table's cells per image on disk: the main file's layout, then each WAL frame's, each in
        byte order - what an attacker would line up against another table's order."""
        groups: dict[tuple[str, int], list[Cell]] = {}
        for cell in self.cells(table):
            groups.setdefault((cell.source, 0 if cell.source == "db" else cell.image), []).append(cell)
        return [sorted(cells, key=lambda c: c.offset) for cells in groups.values()]


def spearman(xs: list[float], ys: list[float]) -> float:
    """Spearman's rank correlation of two equally long sequences without ties."""
    n = len(xs)
    rank_x = {v: r for r, v in enumerate(sorted(xs))}
    rank_y = {v: r for r, v in enumerate(sorted(ys))}
    d2 = sum((rank_x[x] - rank_y[y]) ** 2 for x, y in zip(xs, ys))
    return 1 - 6 * d2 / (n * (n * n - 1))
