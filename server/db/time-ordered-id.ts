import { randomFillSync } from 'node:crypto';

const random = Buffer.alloc(10 * 256);
let offset = random.length;

/**
 * A UUID version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, the rest
 * random. Rows keyed by it are appended at the right edge of their primary key's B-tree, in pages
 * already in memory, where random (version 4) ids touch a leaf anywhere in the index for each row
 * (and, after a checkpoint, write each such page to the WAL whole). For tables written at a high
 * rate: content views (P3's batch path, alternated on one machine: 8,279 and 7,363 new rows/s
 * against 7,115 and 6,766 with version 4 ids).
 */
export function timeOrderedId(now = Date.now()): string {
  if (offset === random.length) {
    randomFillSync(random);
    offset = 0;
  }
  const bytes = Buffer.allocUnsafe(16);
  bytes.writeUIntBE(now, 0, 6);
  random.copy(bytes, 6, offset, offset + 10);
  offset += 10;
  bytes[6] = 0x70 | (bytes[6] & 0x0f); // version 7
  bytes[8] = 0x80 | (bytes[8] & 0x3f); // variant 10
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
