"""A small writer for real bbolt (etcd-io/bbolt, format version 2) files.

Layout (bbolt page.go / db.go / bucket.go / node.go):
  page header  : u64 id, u16 flags, u16 count, u32 overflow         (16 bytes)
  flags        : 0x01 branch, 0x02 leaf, 0x04 meta, 0x10 freelist
  meta (at 16) : u32 magic 0xED0CDAED, u32 version 2, u32 page size,
                 u32 flags, bucket root {u64 root pgid, u64 sequence},
                 u64 freelist pgid, u64 pgid (high water), u64 txid,
                 u64 checksum = FNV-1a 64 of the 56 bytes before it
  leaf element : u32 flags (0x01 = bucket), u32 pos, u32 ksize, u32 vsize;
                 pos is relative to the element itself
  branch elem  : u32 pos, u32 ksize, u64 pgid
  bucket value : {u64 root, u64 sequence}; root 0 = inline bucket whose
                 leaf page (id 0) follows immediately
Pages 0 and 1 are metas (txid % 2), page 2 the (empty) freelist.
A bucket is written inline when it has no sub-buckets and its page fits
in pageSize/4 (bucket.go inlineable / maxInlineBucketSize), as bbolt does.
Nodes are split at pageSize/2 (DefaultFillPercent 0.5) so a bucket with
many keys gets several leaves and a branch page, as bbolt's spill does.

Buckets are given as dicts: {key(bytes|str): value(bytes|str) | dict}.
"""

import struct

MAGIC = 0xED0CDAED
BRANCH, LEAF, META, FREELIST = 0x01, 0x02, 0x04, 0x10
BUCKET_LEAF = 0x01
PAGE_HDR = 16
ELEM = 16


def _b(x):
    return x if isinstance(x, bytes) else x.encode("utf-8")


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for c in data:
        h ^= c
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


class Writer:
    def __init__(self, page_size=4096, txid=6):
        self.ps = page_size
        self.txid = txid
        self.pages = {}          # pgid -> bytes (multiple of page size)
        self.next = 3            # 0,1 meta; 2 freelist

    def _alloc(self, data_len):
        n = max(1, -(-data_len // self.ps))
        pgid = self.next
        self.next += n
        return pgid, n

    @staticmethod
    def _leaf_bytes(items, pgid=0, overflow=0):
        n = len(items)
        hdr = struct.pack("<QHHI", pgid, LEAF, n, overflow)
        elems, data = b"", b""
        off = n * ELEM
        for i, (k, v, fl) in enumerate(items):
            pos = off + len(data) - i * ELEM
            elems += struct.pack("<IIII", fl, pos, len(k), len(v))
            data += k + v
        return hdr + elems + data

    @staticmethod
    def _branch_bytes(children, pgid, overflow=0):
        n = len(children)
        hdr = struct.pack("<QHHI", pgid, BRANCH, n, overflow)
        elems, data = b"", b""
        off = n * ELEM
        for i, (k, child) in enumerate(children):
            pos = off + len(data) - i * ELEM
            elems += struct.pack("<IIQ", pos, len(k), child)
            data += k
        return hdr + elems + data

    def _put(self, pgid, n, raw):
        raw = raw + b"\0" * (n * self.ps - len(raw))
        self.pages[pgid] = raw

    def _split(self, sized):
        """Split [(item, size)] into nodes the way node.split does:
        a new node starts once the current one passes pageSize*0.5, each
        node keeping at least 2 elements (minKeysPerPage)."""
        if sum(sz for _, sz in sized) + PAGE_HDR <= self.ps or len(sized) <= 4:
            return [[item for item, _ in sized]]
        threshold = self.ps // 2
        nodes, cur, size = [], [], PAGE_HDR
        for item, sz in sized:
            if len(cur) >= 2 and size + sz > threshold and \
                    len(sized) - sum(len(n) for n in nodes) - len(cur) >= 2:
                nodes.append(cur)
                cur, size = [], PAGE_HDR
            cur.append(item)
            size += sz
        if cur:
            nodes.append(cur)
        return nodes

    def bucket(self, d, inline_ok=True):
        """Write bucket d; return its 16-byte bucket value (+ inline page)."""
        items = []
        has_sub = False
        for k, v in sorted((_b(k), v) for k, v in d.items()):
            if isinstance(v, dict):
                has_sub = True
                items.append((k, self.bucket(v), BUCKET_LEAF))
            else:
                items.append((k, _b(v), 0))
        inline = self._leaf_bytes(items)
        if inline_ok and not has_sub and len(inline) <= self.ps // 4:
            return struct.pack("<QQ", 0, 0) + inline
        return struct.pack("<QQ", self._write_tree(items), 0)

    def _write_tree(self, items):
        sized = [((k, v, fl), ELEM + len(k) + len(v)) for k, v, fl in items]
        nodes = self._split(sized) if sized else [[]]
        level = []
        for node in nodes:
            raw_len = len(self._leaf_bytes(node))
            pgid, n = self._alloc(raw_len)
            self._put(pgid, n, self._leaf_bytes(node, pgid, n - 1))
            level.append((node[0][0] if node else b"", pgid))
        while len(level) > 1:
            sized = [((k, p), ELEM + len(k)) for k, p in level]
            groups = self._split(sized)
            nxt = []
            for g in groups:
                raw_len = len(self._branch_bytes(g, 0))
                pgid, n = self._alloc(raw_len)
                self._put(pgid, n, self._branch_bytes(g, pgid, n - 1))
                nxt.append((g[0][0], pgid))
            level = nxt
        return level[0][1]

    def write(self, path, buckets):
        root = self._write_tree(
            [(k, self.bucket(v), BUCKET_LEAF)
             for k, v in sorted((_b(k), v) for k, v in buckets.items())])
        high = self.next
        out = bytearray(high * self.ps)
        for txid in (self.txid, self.txid + 1):
            pid = txid % 2
            meta = struct.pack("<IIIIQQQQQ", MAGIC, 2, self.ps, 0, root, 0, 2,
                               high, txid)
            meta += struct.pack("<Q", fnv1a64(meta))
            page = struct.pack("<QHHI", pid, META, 0, 0) + meta
            out[pid * self.ps:pid * self.ps + len(page)] = page
        out[2 * self.ps:2 * self.ps + PAGE_HDR] = struct.pack("<QHHI", 2, FREELIST, 0, 0)
        for pgid, raw in self.pages.items():
            out[pgid * self.ps:pgid * self.ps + len(raw)] = raw
        with open(path, "wb") as f:
            f.write(out)


def write_db(path, buckets, page_size=4096):
    Writer(page_size).write(path, buckets)
