// @ts-check
// demo/server/image-metadata.js at the segment / chunk level: what is kept, what goes, and what
// is refused. The images are built here, byte by byte, with the metadata a phone writes (EXIF
// with GPS, XMP, IPTC, comments, a motion-photo trailer).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ImageFormatError, stripImageMetadata } from '../../demo/server/image-metadata.js';

const enc = (/** @type {string} */ text) => new TextEncoder().encode(text);
const cat = (/** @type {Array<Uint8Array | number[]>} */ ...parts) => Uint8Array.from(parts.flatMap((p) => [...p]));
const has = (/** @type {Uint8Array} */ haystack, /** @type {Uint8Array | string} */ needle) => {
  const n = typeof needle === 'string' ? enc(needle) : needle;
  outer: for (let i = 0; i + n.length <= haystack.length; i++) {
    for (let j = 0; j < n.length; j++) if (haystack[i + j] !== n[j]) continue outer;
    return true;
  }
  return false;
};
const be16 = (/** @type {number} */ n) => [(n >> 8) & 0xff, n & 0xff];
const be32 = (/** @type {number} */ n) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const le32 = (/** @type {number} */ n) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

// ---------------------------------------------------------------------------------------------
// JPEG

/** A JPEG segment: FF marker, length, payload. */
const segment = (/** @type {number} */ marker, /** @type {Uint8Array | number[]} */ payload) =>
  cat([0xff, marker], be16(payload.length + 2), payload);

/**
 * An EXIF APP1 payload (big-endian TIFF): IFD0 with Orientation and a GPS IFD pointer, the GPS
 * IFD with latitude N 48°51'29.6" and longitude E 2°17'40.2" (the Eiffel tower).
 * @param {number} orientation
 */
function exifWithGps(orientation) {
  // Offsets are from the TIFF header. IFD0 at 8: 3 entries (Orientation, Make, GPS pointer).
  const ifd0 = 8;
  const ifd0Size = 2 + 3 * 12 + 4;
  const make = ifd0 + ifd0Size; // "PhoneCo\0"
  const gps = make + 8;
  const gpsSize = 2 + 4 * 12 + 4;
  const rationals = gps + gpsSize; // 6 rationals (lat, lon)
  const entry = (/** @type {number} */ tag, /** @type {number} */ type, /** @type {number} */ count, /** @type {number[]} */ value) => [
    ...be16(tag),
    ...be16(type),
    ...be32(count),
    ...value,
  ];
  const tiff = cat(
    enc('MM'),
    be16(42),
    be32(ifd0),
    be16(3),
    entry(0x0112, 3, 1, [...be16(orientation), 0, 0]),
    entry(0x010f, 2, 8, be32(make)),
    entry(0x8825, 4, 1, be32(gps)),
    be32(0),
    enc('PhoneCo\0'),
    be16(4),
    entry(0x0001, 2, 2, [0x4e, 0, 0, 0]), // GPSLatitudeRef "N"
    entry(0x0002, 5, 3, be32(rationals)),
    entry(0x0003, 2, 2, [0x45, 0, 0, 0]), // GPSLongitudeRef "E"
    entry(0x0004, 5, 3, be32(rationals + 24)),
    be32(0),
    ...[48, 1, 51, 1, 296, 10, 2, 1, 17, 1, 402, 10].map((n) => be32(n)),
  );
  return cat(enc('Exif\0\0'), tiff);
}

const JFIF_WITH_THUMB = cat(enc('JFIF\0'), [1, 2, 0, 0, 1, 0, 1, 2, 1], [0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff]); // 2×1 thumbnail (6 bytes)
const ICC = cat(enc('ICC_PROFILE\0'), [1, 1], enc('icc-bytes'));
const ADOBE = cat(enc('Adobe'), [0, 100, 0, 0, 0, 0, 1]);
const DQT = segment(0xdb, [0, ...Array(64).fill(1)]);
const SOF0 = segment(0xc0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
const DHT = segment(0xc4, [0, ...Array(16).fill(0)]);
const SOS = segment(0xda, [1, 1, 0, 0, 0x3f, 0]);
/** Entropy-coded data with a stuffed FF 00 and a restart marker, which are not segment markers. */
const SCAN = [0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56];
const SCAN2 = [0x78, 0xff, 0x00, 0x9a];

function phoneJpeg(orientation = 6) {
  return cat(
    [0xff, 0xd8],
    segment(0xe0, JFIF_WITH_THUMB),
    segment(0xe1, exifWithGps(orientation)),
    segment(0xe1, enc('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>48,51.49N</exif:GPSLatitude></x:xmpmeta>')),
    segment(0xe2, ICC),
    segment(0xe2, cat(enc('MPF\0'), [1, 2, 3])),
    segment(0xed, enc('Photoshop 3.0\x008BIM iptc-city=Paris')),
    segment(0xee, ADOBE),
    segment(0xfe, enc('shot at home, 12 Rue Example')),
    DQT,
    SOF0,
    DHT,
    SOS,
    SCAN,
    DHT, // progressive: more tables and a second scan
    SOS,
    SCAN2,
    [0xff, 0xd9],
    enc('MotionPhoto_Data ftypmp42 video-with-location'),
  );
}

/** The segment markers of a stripped JPEG, in order (0xd9 = EOI). */
function markers(/** @type {Uint8Array} */ jpeg) {
  const found = [];
  let at = 2;
  while (at < jpeg.length) {
    assert.equal(jpeg[at], 0xff, `marker expected at ${at}`);
    const marker = jpeg[at + 1];
    found.push(marker);
    if (marker === 0xd9) break;
    at += 2 + ((jpeg[at + 2] << 8) | jpeg[at + 3]);
    if (marker === 0xda) {
      while (!(jpeg[at] === 0xff && jpeg[at + 1] !== 0 && !(jpeg[at + 1] >= 0xd0 && jpeg[at + 1] <= 0xd7))) at++;
    }
  }
  return found;
}

describe('JPEG', () => {
  test('drops EXIF (GPS), XMP, IPTC, MPF, comments, the JFIF thumbnail and the trailer; keeps what draws the picture', () => {
    const original = phoneJpeg();
    assert.ok(has(original, cat(be16(0x8825))) && has(original, 'PhoneCo'));
    const clean = stripImageMetadata('image/jpeg', original);
    assert.deepEqual(markers(clean), [0xe0, 0xe1, 0xe2, 0xee, 0xdb, 0xc0, 0xc4, 0xda, 0xc4, 0xda, 0xd9]);
    for (const leak of ['PhoneCo', 'xmpmeta', 'GPSLatitude', 'Photoshop', 'Rue Example', 'MotionPhoto', 'MPF\0', 'video-with-location']) {
      assert.equal(has(clean, leak), false, `${leak} is still there`);
    }
    assert.equal(has(clean, cat(be16(0x8825))), false, 'the GPS IFD pointer is still there');
    assert.equal(has(clean, Uint8Array.of(0xaa, 0xbb, 0xcc)), false, 'the JFIF thumbnail is still there');
    // The scans are byte for byte the same, stuffed bytes and restart markers included.
    assert.ok(has(clean, cat(SOS, SCAN)) && has(clean, cat(SOS, SCAN2, [0xff, 0xd9])));
    assert.ok(has(clean, segment(0xe2, ICC)) && has(clean, segment(0xee, ADOBE)) && has(clean, DQT));
    assert.deepEqual([...clean.subarray(-2)], [0xff, 0xd9]);
  });

  test('keeps the orientation as a minimal EXIF block right after the JFIF header', () => {
    const clean = stripImageMetadata('image/jpeg', phoneJpeg(6));
    // SOI, JFIF APP0 (16 bytes + marker), then the rebuilt APP1.
    const app1 = clean.subarray(2 + 18, 2 + 18 + 36);
    assert.deepEqual([...app1.subarray(0, 4)], [0xff, 0xe1, 0, 34]);
    assert.equal(new TextDecoder().decode(app1.subarray(4, 10)), 'Exif\0\0');
    assert.deepEqual([...app1.subarray(20, 32)], [0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]);
    // Orientation 1 (upright) needs no block at all.
    assert.deepEqual(markers(stripImageMetadata('image/jpeg', phoneJpeg(1))).slice(0, 3), [0xe0, 0xe2, 0xee]);
  });

  test('is idempotent and leaves a clean JPEG as it is', () => {
    const once = stripImageMetadata('image/jpeg', phoneJpeg());
    assert.deepEqual(stripImageMetadata('image/jpeg', once), once);
    const plain = cat([0xff, 0xd8], DQT, SOF0, DHT, SOS, SCAN, [0xff, 0xd9]);
    assert.deepEqual(stripImageMetadata('image/jpeg', plain), plain);
  });

  test('refuses what is not a well-formed JPEG', () => {
    const broken = [
      enc('not a jpeg'),
      Uint8Array.of(0xff, 0xd8),
      cat([0xff, 0xd8], [0xff, 0xe1, 0x40, 0x00], enc('Exif')), // segment longer than the file
      cat([0xff, 0xd8], [0x12, 0x34]), // no marker where one must be
      cat([0xff, 0xd8], DQT, [0xff, 0xd8]), // a second SOI
    ];
    for (const bytes of broken) assert.throws(() => stripImageMetadata('image/jpeg', bytes), ImageFormatError);
    // A file cut off inside its last scan still shows what it has: kept, minus the metadata.
    const cut = cat([0xff, 0xd8], segment(0xe1, exifWithGps(1)), DQT, SOF0, DHT, SOS, SCAN);
    assert.equal(has(stripImageMetadata('image/jpeg', cut), 'PhoneCo'), false);
  });
});

// ---------------------------------------------------------------------------------------------
// PNG

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (/** @type {Uint8Array} */ bytes) => {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (/** @type {string} */ type, /** @type {Uint8Array | number[]} */ data) => {
  const body = cat(enc(type), data);
  return cat(be32(data.length), body, be32(crc32(body)));
};
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IHDR = chunk('IHDR', [...be32(1), ...be32(1), 8, 6, 0, 0, 0]);
const IDAT = chunk('IDAT', [0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1]);
const IEND = chunk('IEND', []);

describe('PNG', () => {
  test('keeps the picture chunks and drops text, XMP, eXIf, tIME, private chunks and the trailer', () => {
    const original = cat(
      SIGNATURE,
      IHDR,
      chunk('tEXt', enc('Comment\0taken at 48.8584 N, 2.2945 E')),
      chunk('iTXt', enc('XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta>GPS</x:xmpmeta>')),
      chunk('eXIf', exifWithGps(1).subarray(6)),
      chunk('zTXt', enc('Author\0\0x')),
      chunk('tIME', [7, 234, 12, 1, 10, 0, 0]),
      chunk('pHYs', [...be32(2835), ...be32(2835), 1]),
      chunk('prVt', enc('vendor data')),
      IDAT,
      IEND,
      enc('trailing data'),
    );
    const clean = stripImageMetadata('image/png', original);
    assert.deepEqual(clean, cat(SIGNATURE, IHDR, chunk('pHYs', [...be32(2835), ...be32(2835), 1]), IDAT, IEND));
    assert.deepEqual(stripImageMetadata('image/png', clean), clean);
  });

  test('refuses what is not a well-formed PNG', () => {
    const broken = [
      enc('PNG'),
      Uint8Array.of(...SIGNATURE, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52), // IHDR cut off
      cat(SIGNATURE, IHDR, IDAT), // no IEND
      cat(SIGNATURE, IDAT, IHDR, IEND), // IHDR not first
      cat(SIGNATURE, IHDR, chunk('CgBI', [1, 2, 3]), IDAT, IEND), // unknown critical chunk
    ];
    for (const bytes of broken) assert.throws(() => stripImageMetadata('image/png', bytes), ImageFormatError);
  });
});

// ---------------------------------------------------------------------------------------------
// WebP

const riffChunk = (/** @type {string} */ fourcc, /** @type {Uint8Array | number[]} */ data) =>
  cat(enc(fourcc), le32(data.length), data, data.length % 2 ? [0] : []);
const webp = (/** @type {Uint8Array[]} */ ...chunks) => {
  const body = cat(...chunks);
  return cat(enc('RIFF'), le32(4 + body.length), enc('WEBP'), body);
};

describe('WebP', () => {
  test('drops EXIF and XMP chunks, clears their VP8X flags and fixes the RIFF size', () => {
    // VP8X flags: ICC (0x20) | EXIF (0x08) | XMP (0x04).
    const vp8x = riffChunk('VP8X', [0x2c, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const iccp = riffChunk('ICCP', enc('icc'));
    const vp8 = riffChunk('VP8 ', [1, 2, 3, 4, 5]);
    const original = webp(
      vp8x,
      iccp,
      vp8,
      riffChunk('EXIF', exifWithGps(6).subarray(6)),
      riffChunk('XMP ', enc('<x:xmpmeta>GPS</x:xmpmeta>')),
    );
    const clean = stripImageMetadata('image/webp', original);
    assert.deepEqual(clean, webp(riffChunk('VP8X', [0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0]), iccp, vp8));
    assert.equal(has(clean, 'PhoneCo') || has(clean, 'xmpmeta'), false);
    assert.deepEqual(stripImageMetadata('image/webp', clean), clean);
  });

  test('refuses what is not a well-formed WebP', () => {
    const broken = [
      enc('RIFF....WEBP'),
      cat(enc('RIFF'), le32(100), enc('WEBP'), riffChunk('VP8 ', [1, 2])), // RIFF size past the end
      webp(riffChunk('EXIF', enc('only metadata'))), // no image data
      webp(riffChunk('VP8X', [0, 0])), // short VP8X
    ];
    for (const bytes of broken) assert.throws(() => stripImageMetadata('image/webp', bytes), ImageFormatError);
  });
});

test('other types pass through untouched', () => {
  const gif = enc('GIF89a...');
  assert.equal(stripImageMetadata('image/gif', gif), gif);
});
