// A BlurHash decoder (the format of github.com/woltapp/blurhash): the manifest's
// tags.blurhash becomes a few pixels drawn on a canvas, shown while the thumbnail loads.
const DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz#$%*+,-.:;=?@[]^_{|}~";

function base83(text) {
  let value = 0;
  for (const c of text) {
    const digit = DIGITS.indexOf(c);
    if (digit < 0) throw new Error(`blurhash: '${c}' is not a base-83 digit`);
    value = value * 83 + digit;
  }
  return value;
}

function toLinear(byte) {
  const v = byte / 255;
  return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
}

function toSrgbByte(linear) {
  const v = Math.min(1, Math.max(0, linear));
  const s = v <= 0.0031308 ? v * 12.92 : 1.055 * Math.pow(v, 1 / 2.4) - 0.055;
  return Math.round(s * 255);
}

function signedPow(v, e) {
  return Math.sign(v) * Math.pow(Math.abs(v), e);
}

// RGBA pixels (width * height * 4) of the hash; throws on a malformed hash.
export function decodeBlurhash(hash, width, height, punch = 1) {
  if (typeof hash !== "string" || hash.length < 6) throw new Error("blurhash: too short");
  const sizeFlag = base83(hash[0]);
  const nx = (sizeFlag % 9) + 1;
  const ny = Math.floor(sizeFlag / 9) + 1;
  if (hash.length !== 4 + 2 * nx * ny) throw new Error("blurhash: length does not match its components");
  const maximum = ((base83(hash[1]) + 1) / 166) * punch;
  const colours = [];
  const dc = base83(hash.slice(2, 6));
  colours.push([toLinear(dc >> 16), toLinear((dc >> 8) & 255), toLinear(dc & 255)]);
  for (let i = 1; i < nx * ny; i++) {
    const v = base83(hash.slice(4 + i * 2, 6 + i * 2));
    const q = [Math.floor(v / (19 * 19)), Math.floor(v / 19) % 19, v % 19];
    colours.push(q.map((c) => signedPow((c - 9) / 9, 2) * maximum));
  }
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0, g = 0, b = 0;
      for (let j = 0; j < ny; j++) {
        const cy = Math.cos((Math.PI * y * j) / height);
        for (let i = 0; i < nx; i++) {
          const basis = Math.cos((Math.PI * x * i) / width) * cy;
          const c = colours[i + j * nx];
          r += c[0] * basis;
          g += c[1] * basis;
          b += c[2] * basis;
        }
      }
      const p = 4 * (x + y * width);
      pixels[p] = toSrgbByte(r);
      pixels[p + 1] = toSrgbByte(g);
      pixels[p + 2] = toSrgbByte(b);
      pixels[p + 3] = 255;
    }
  }
  return pixels;
}

// Draws the hash on `canvas` at its own (small) pixel size; CSS stretches it. Returns false
// when the hash cannot be read (the canvas stays blank).
export function drawBlurhash(canvas, hash) {
  try {
    const pixels = decodeBlurhash(hash, canvas.width, canvas.height);
    canvas.getContext("2d").putImageData(new ImageData(pixels, canvas.width, canvas.height), 0, 0);
    return true;
  } catch (e) {
    console.warn(String(e));
    return false;
  }
}
