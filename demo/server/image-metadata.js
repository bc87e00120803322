// @ts-check
/**
 * Removes metadata from uploaded images before anyone else sees them (docs/security.md,
 * "Image metadata"): a phone photo's EXIF carries where it was taken (GPS), when, the device and
 * often a thumbnail of the uncropped picture; XMP, IPTC and comments carry more. Works at the
 * container level only (JPEG segments, PNG chunks, WebP RIFF chunks); the pixels are copied as
 * they are, never decoded or re-encoded. Plain Uint8Array code, no dependency.
 *
 * Each format keeps an allow-list of what is needed to show the picture as intended and drops the
 * rest, including anything after the image's end marker (where phones append motion-photo videos
 * and vendor trailers). The one piece of EXIF kept is the orientation, rebuilt as a minimal EXIF
 * block, so a portrait photo is not shown on its side.
 */

/** The types {@link stripImageMetadata} handles; other types are stored as they are. */
export const STRIPPED_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);

/** The bytes are not a well-formed image of the declared type. */
export class ImageFormatError extends Error {}

/**
 * The image without its metadata. Throws {@link ImageFormatError} when the bytes are not a
 * well-formed image of `type`; returns `bytes` unchanged for types it does not handle.
 * @param {string} type `image/jpeg`, `image/png` or `image/webp`
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
export function stripImageMetadata(type, bytes) {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
    default:
      return bytes;
  }
}

/** @param {string} message */
const bad = (message) => new ImageFormatError(message);

/** @param {Uint8Array} bytes @param {number} at */
const u16be = (bytes, at) => (bytes[at] << 8) | bytes[at + 1];
/** @param {Uint8Array} bytes @param {number} at */
const u32be = (bytes, at) => ((bytes[at] << 24) >>> 0) + ((bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
/** @param {Uint8Array} bytes @param {number} at */
const u32le = (bytes, at) => ((bytes[at + 3] << 24) >>> 0) + ((bytes[at + 2] << 16) | (bytes[at + 1] << 8) | bytes[at]);
/** @param {Uint8Array} bytes @param {number} at @param {number} length */
const ascii = (bytes, at, length) => String.fromCharCode(...bytes.subarray(at, at + length));

/** @param {Uint8Array[]} parts */
function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// JPEG: SOI, then segments (FF xx, 2-byte big-endian length including itself) up to SOS, the
// entropy-coded scan (FF bytes stuffed as FF 00, restart markers FF D0–D7), possibly more
// segments and scans (progressive), EOI.

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP14 = 0xee;
const COM = 0xfe;

/**
 * Whether a JPEG segment is kept: everything that decodes the picture (SOFn, DHT, DQT, DRI, …),
 * the JFIF header (without its thumbnail), the ICC colour profile and Adobe's colour-transform
 * flag. Dropped: EXIF and XMP (APP1), MPF and other APP2 data, APP3–APP13 (IPTC, Photoshop, vendor
 * blocks), APP15 and comments.
 * @param {number} marker
 * @param {Uint8Array} data the segment's payload (after the length)
 */
function keepJpegSegment(marker, data) {
  if (marker === APP0) return ascii(data, 0, 5) === 'JFIF\0';
  if (marker === APP2) return ascii(data, 0, 12) === 'ICC_PROFILE\0';
  if (marker === APP14) return ascii(data, 0, 5) === 'Adobe';
  if (marker >= 0xe0 && marker <= 0xef) return false;
  return marker !== COM;
}

/**
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
function stripJpeg(bytes) {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) throw bad('not a JPEG (no start-of-image marker)');
  /** @type {Uint8Array[]} */
  const out = [bytes.subarray(0, 2)];
  let orientation = 0;
  /** Where the rebuilt EXIF goes: after SOI, or after the JFIF header that must come first. */
  let exifAt = 1;
  let at = 2;
  let scanned = false;
  for (;;) {
    if (at >= bytes.length) {
      // A file that ends inside its last scan still shows what it has; before any scan it is broken.
      if (!scanned) throw bad('JPEG ends before its image data');
      break;
    }
    if (bytes[at] !== 0xff) throw bad(`JPEG: expected a marker at byte ${at}`);
    // Fill bytes: any number of FF before the marker code.
    let code = at + 1;
    while (code < bytes.length && bytes[code] === 0xff) code++;
    if (code >= bytes.length) throw bad('JPEG ends inside a marker');
    const marker = bytes[code];
    if (marker === EOI) {
      out.push(bytes.subarray(code - 1, code + 1));
      break; // anything after the end of the image (motion photos, vendor trailers) is dropped
    }
    if (marker === SOI || marker === 0x00) throw bad(`JPEG: unexpected marker FF${marker.toString(16).padStart(2, '0')}`);
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      out.push(bytes.subarray(code - 1, code + 1)); // standalone markers carry no length
      at = code + 1;
      continue;
    }
    if (code + 2 >= bytes.length) throw bad('JPEG ends inside a segment header');
    const length = u16be(bytes, code + 1);
    const end = code + 1 + length;
    if (length < 2 || end > bytes.length) throw bad(`JPEG: segment FF${marker.toString(16)} runs past the end of the file`);
    const data = bytes.subarray(code + 3, end);
    if (marker === APP1 && ascii(data, 0, 6) === 'Exif\0\0') orientation = exifOrientation(data.subarray(6)) || orientation;
    if (keepJpegSegment(marker, data)) {
      if (marker === APP0) {
        // The JFIF header may carry a thumbnail: keep the 14 header bytes with a 0×0 thumbnail.
        if (data.length < 14) throw bad('JPEG: short JFIF header');
        const header = Uint8Array.from(data.subarray(0, 14));
        header[12] = 0;
        header[13] = 0;
        out.push(Uint8Array.of(0xff, APP0, 0, 16), header);
        if (out.length === 3) exifAt = 3;
      } else {
        out.push(bytes.subarray(code - 1, end));
      }
    }
    at = end;
    if (marker === SOS) {
      scanned = true;
      // Entropy-coded data runs to the next marker that is not a stuffed FF 00 or a restart marker.
      let scan = at;
      while (scan < bytes.length) {
        if (bytes[scan] === 0xff && scan + 1 < bytes.length) {
          const next = bytes[scan + 1];
          if (next !== 0x00 && next !== 0xff && !(next >= 0xd0 && next <= 0xd7)) break;
        }
        scan++;
      }
      out.push(bytes.subarray(at, scan));
      at = scan;
    }
  }
  if (orientation > 1) out.splice(exifAt, 0, orientationExif(orientation));
  return concat(out);
}

/**
 * The Orientation (tag 0x0112) of IFD0 in an EXIF TIFF block, or 0 when absent or unreadable.
 * @param {Uint8Array} tiff
 */
function exifOrientation(tiff) {
  if (tiff.length < 8) return 0;
  const order = ascii(tiff, 0, 2);
  if (order !== 'II' && order !== 'MM') return 0;
  const little = order === 'II';
  const u16 = (/** @type {number} */ at) => (little ? tiff[at] | (tiff[at + 1] << 8) : u16be(tiff, at));
  const u32 = (/** @type {number} */ at) => (little ? u32le(tiff, at) : u32be(tiff, at));
  if (u16(2) !== 42) return 0;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 0;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 0;
    if (u16(entry) === 0x0112 && u16(entry + 2) === 3) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : 0;
    }
  }
  return 0;
}

/**
 * A minimal EXIF APP1 segment holding only the orientation (big-endian TIFF, one IFD0 entry).
 * @param {number} orientation 2–8
 */
function orientationExif(orientation) {
  return Uint8Array.of(
    0xff,
    APP1,
    0x00,
    0x22, // marker, length 34
    0x45,
    0x78,
    0x69,
    0x66,
    0x00,
    0x00, // "Exif\0\0"
    0x4d,
    0x4d,
    0x00,
    0x2a,
    0x00,
    0x00,
    0x00,
    0x08, // "MM", 42, IFD0 at 8
    0x00,
    0x01, // one entry
    0x01,
    0x12,
    0x00,
    0x03,
    0x00,
    0x00,
    0x00,
    0x01,
    0x00,
    orientation,
    0x00,
    0x00, // Orientation, SHORT, 1, value
    0x00,
    0x00,
    0x00,
    0x00, // no next IFD
  );
}

// ---------------------------------------------------------------------------------------------
// PNG: signature, then chunks (4-byte big-endian length, 4-letter type, data, CRC) up to IEND.

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/**
 * Chunks that decide how the picture looks (PNG 3rd edition, including APNG). Dropped: tEXt,
 * zTXt, iTXt (text, often XMP), eXIf, tIME and any other ancillary or private chunk.
 */
const PNG_KEEP = new Set([
  'IHDR',
  'PLTE',
  'IDAT',
  'IEND',
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'mDCV',
  'cLLI',
  'bKGD',
  'hIST',
  'pHYs',
  'sPLT',
  'acTL',
  'fcTL',
  'fdAT',
]);

/**
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
function stripPng(bytes) {
  if (bytes.length < 8 || PNG_SIGNATURE.some((b, i) => bytes[i] !== b)) throw bad('not a PNG (no signature)');
  /** @type {Uint8Array[]} */
  const out = [bytes.subarray(0, 8)];
  let at = 8;
  let first = true;
  for (;;) {
    if (at + 12 > bytes.length) throw bad('PNG ends before IEND');
    const length = u32be(bytes, at);
    const type = ascii(bytes, at + 4, 4);
    const end = at + 12 + length;
    if (!/^[A-Za-z]{4}$/.test(type) || end > bytes.length)
      throw bad(`PNG: chunk ${JSON.stringify(type)} is malformed or runs past the end`);
    if (first && type !== 'IHDR') throw bad('PNG: the first chunk is not IHDR');
    first = false;
    // An unknown critical chunk (upper-case first letter) means a picture no browser can show.
    if (!PNG_KEEP.has(type) && type[0] === type[0].toUpperCase()) throw bad(`PNG: unknown critical chunk ${type}`);
    if (PNG_KEEP.has(type)) out.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') break; // anything after the end is dropped
  }
  return concat(out);
}

// ---------------------------------------------------------------------------------------------
// WebP: "RIFF", little-endian size, "WEBP", then chunks (FourCC, little-endian size, data, a pad
// byte when the size is odd).

/** Chunks of the picture itself; EXIF, "XMP " and unknown chunks are dropped. */
const WEBP_KEEP = new Set(['VP8 ', 'VP8L', 'VP8X', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
/** VP8X flags of the metadata chunks, cleared when they go. */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/**
 * @param {Uint8Array} bytes
 * @returns {Uint8Array}
 */
function stripWebp(bytes) {
  if (bytes.length < 20 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WEBP') throw bad('not a WebP (no RIFF/WEBP header)');
  const riffEnd = 8 + u32le(bytes, 4);
  if (riffEnd > bytes.length || riffEnd < 20) throw bad('WebP: RIFF size runs past the end of the file');
  /** @type {Uint8Array[]} */
  const chunks = [];
  let at = 12;
  let image = false;
  while (at < riffEnd) {
    if (at + 8 > riffEnd) throw bad('WebP: truncated chunk header');
    const fourcc = ascii(bytes, at, 4);
    const size = u32le(bytes, at + 4);
    const end = at + 8 + size + (size % 2);
    if (end > riffEnd && !(end === riffEnd + 1 && at + 8 + size === riffEnd))
      throw bad(`WebP: chunk ${JSON.stringify(fourcc)} runs past the end`);
    if (WEBP_KEEP.has(fourcc)) {
      if (fourcc === 'VP8X') {
        if (size < 10) throw bad('WebP: short VP8X chunk');
        const copy = Uint8Array.from(bytes.subarray(at, Math.min(end, riffEnd)));
        copy[8] &= ~(VP8X_EXIF | VP8X_XMP);
        chunks.push(copy);
      } else {
        chunks.push(bytes.subarray(at, Math.min(end, riffEnd)));
      }
      if (fourcc === 'VP8 ' || fourcc === 'VP8L' || fourcc === 'ANMF') image = true;
    }
    at = end;
  }
  if (!image) throw bad('WebP: no image data');
  const body = concat(chunks);
  const size = 4 + body.length;
  const header = Uint8Array.of(
    0x52,
    0x49,
    0x46,
    0x46,
    size & 0xff,
    (size >>> 8) & 0xff,
    (size >>> 16) & 0xff,
    (size >>> 24) & 0xff,
    0x57,
    0x45,
    0x42,
    0x50,
  );
  return concat([header, body]);
}
