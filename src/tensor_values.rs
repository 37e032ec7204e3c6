//! A tensor's f32 values read where they lie in its storage, without a copy: how the optimiser
//! and the hand-made gradient read tensors (Candle's `to_vec` copies).

use std::ops::Deref;

use candle_core::{CpuStorage, Layout, Result, Storage, Tensor};

/// A contiguous f32 tensor's values, borrowed from its storage while this lives.
pub struct Values<S> {
    storage: S,
    range: (usize, usize),
}

impl<S: Deref<Target = Storage>> Deref for Values<S> {
    type Target = [f32];
    fn deref(&self) -> &[f32] {
        match &*self.storage {
            Storage::Cpu(CpuStorage::F32(v)) => &v[self.range.0..self.range.1],
            _ => unreachable!("checked in values()"),
        }
    }
}

/// The values of a contiguous f32 tensor on the CPU; an error for any other.
pub fn values(t: &Tensor) -> Result<Values<impl Deref<Target = Storage> + '_>> {
    let (storage, layout): (_, &Layout) = t.storage_and_layout();
    match (&*storage, layout.contiguous_offsets()) {
        (Storage::Cpu(CpuStorage::F32(_)), Some(range)) => Ok(Values { storage, range }),
        _ => Err(candle_core::Error::Msg(format!("expected a contiguous f32 tensor, got {:?} {:?}", t.dtype(), layout.stride()))),
    }
}
