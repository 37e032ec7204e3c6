//! A checkpoint's tensor bytes (little-endian f32 or IEEE f16) as f32 values.
//!
//! The page builds a decoder on every weights update (f32, five times a second while training)
//! and the first image on a shipped model (f16). Candle's path copies three times and converts
//! f16 through the `half` crate's software routine; and the wasm build optimises this crate for
//! size, where LLVM leaves loops scalar and calls a helper per element. So in wasm the loops are
//! simd128 intrinsics, and everywhere the f16 conversion is exact bit arithmetic (tested against
//! `half` for all 65,536 patterns).

/// Little-endian f32 bytes (a multiple of 4 long) as values.
pub fn f32s(bytes: &[u8]) -> Vec<f32> {
    read(bytes, VECTOR_F32, f32::from_le_bytes)
}

/// Little-endian IEEE half-precision bytes (a multiple of 2 long) as f32 values, exactly.
pub fn f16s(bytes: &[u8]) -> Vec<f32> {
    read(bytes, VECTOR_F16, |b: [u8; 2]| f16_bits_to_f32(u16::from_le_bytes(b)))
}

/// A vector loop over a first part of the values; returns how many it did (none outside wasm).
type Prefix = fn(&[u8], &mut [f32]) -> usize;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const VECTOR_F32: Prefix = simd::copy_f32;
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const VECTOR_F16: Prefix = simd::widen_f16;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const VECTOR_F32: Prefix = |_, _| 0;
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
const VECTOR_F16: Prefix = |_, _| 0;

/// `bytes` as values of WIDTH bytes each: the vector loop, then `one` value at a time for the rest.
fn read<const WIDTH: usize>(bytes: &[u8], vector: Prefix, one: impl Fn([u8; WIDTH]) -> f32) -> Vec<f32> {
    let mut out = vec![0.0f32; bytes.len() / WIDTH];
    let done = vector(bytes, &mut out);
    for (v, b) in out[done..].iter_mut().zip(bytes[done * WIDTH..].chunks_exact(WIDTH)) {
        *v = one(b.try_into().expect("chunks_exact gives WIDTH bytes"));
    }
    out
}

const F16_MAGNITUDE: u32 = 0x7fff;
const F16_SIGN: u32 = 0x8000;
/// An f16 infinity's bits moved to f32's places: at or above it, infinity or NaN.
const F16_INFINITY_SHIFTED: u32 = 0x7c00 << 13;
const F32_EXPONENT: u32 = 0x7f80_0000;
/// 2^112, the difference of the exponents' biases (127 − 15).
const REBIAS: u32 = 0x7780_0000;

/// IEEE half-precision bits to f32, exactly. The 15 bits of exponent and mantissa, moved to
/// f32's places and scaled by 2^112, give normal and subnormal numbers alike; infinities and
/// NaNs keep their mantissa.
#[inline(always)]
pub fn f16_bits_to_f32(bits: u16) -> f32 {
    let magnitude = (u32::from(bits) & F16_MAGNITUDE) << 13;
    let sign = (u32::from(bits) & F16_SIGN) << 16;
    let value = if magnitude >= F16_INFINITY_SHIFTED {
        magnitude | F32_EXPONENT
    } else {
        (f32::from_bits(magnitude) * f32::from_bits(REBIAS)).to_bits()
    };
    f32::from_bits(value | sign)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod simd {
    use core::arch::wasm32::*;

    use super::{F16_INFINITY_SHIFTED, F16_MAGNITUDE, F16_SIGN, F32_EXPONENT, REBIAS};

    /// The first multiple of four values; returns how many it did.
    pub fn copy_f32(bytes: &[u8], out: &mut [f32]) -> usize {
        let n = out.len().min(bytes.len() / 4) / 4 * 4;
        for i in (0..n).step_by(4) {
            // SAFETY: i + 4 <= n, so 16 bytes from 4i are in `bytes` and 4 values from i in
            // `out`; v128 loads and stores need no alignment (wasm is little-endian).
            unsafe { v128_store(out.as_mut_ptr().add(i).cast(), v128_load(bytes.as_ptr().add(i * 4).cast())) };
        }
        n
    }

    /// The first multiple of eight values, as `f16_bits_to_f32` lane by lane; returns how many.
    pub fn widen_f16(bytes: &[u8], out: &mut [f32]) -> usize {
        let n = out.len().min(bytes.len() / 2) / 8 * 8;
        let (magnitude_mask, sign_mask) = (u32x4_splat(F16_MAGNITUDE), u32x4_splat(F16_SIGN));
        let (infinity, exponent, rebias) = (u32x4_splat(F16_INFINITY_SHIFTED), u32x4_splat(F32_EXPONENT), f32x4_splat(f32::from_bits(REBIAS)));
        let widen = |bits: v128| {
            let magnitude = u32x4_shl(v128_and(bits, magnitude_mask), 13);
            let sign = u32x4_shl(v128_and(bits, sign_mask), 16);
            let special = u32x4_ge(magnitude, infinity);
            v128_or(v128_bitselect(v128_or(magnitude, exponent), f32x4_mul(magnitude, rebias), special), sign)
        };
        for i in (0..n).step_by(8) {
            // SAFETY: i + 8 <= n, so 16 bytes from 2i are in `bytes` and 8 values from i in
            // `out`; v128 loads and stores need no alignment.
            unsafe {
                let halves = v128_load(bytes.as_ptr().add(i * 2).cast());
                v128_store(out.as_mut_ptr().add(i).cast(), widen(u32x4_extend_low_u16x8(halves)));
                v128_store(out.as_mut_ptr().add(i + 4).cast(), widen(u32x4_extend_high_u16x8(halves)));
            }
        }
        n
    }
}
