//! Adam (Kingma & Ba), with a guard: a step whose gradients are not all finite is refused before
//! anything changes, so the weights and moments are always the last finite ones.
//!
//! Our own rather than candle-nn's AdamW because its moments are private: these can be saved with
//! a checkpoint and restored. The moments live in plain vectors and each parameter is updated in
//! one fused loop (adam_kernel.rs): as a chain of tensor ops (a dozen passes and allocations per
//! parameter) the update took a fifth of a training step.

use std::cell::RefCell;

use candle_core::backprop::GradStore;
use candle_core::{InplaceOp1, Layout};
use candle_core::{CpuStorage, Result, Tensor, Var};

use crate::optim::kernel::{self, AdamStep};
use crate::parallel;
use crate::tensor_values::values;

#[derive(Clone, Debug)]
pub struct AdamParams {
    pub lr: f64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
}

impl AdamParams {
    pub fn new(lr: f64) -> Self {
        Self { lr, beta1: 0.9, beta2: 0.999, eps: 1e-8 }
    }
}

/// Why a step was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    NonFiniteGradient,
}

/// Where a step reads each variable's gradient: Candle's autograd store, or the hand-made
/// gradient of training (gradient.rs).
pub trait Gradients: Sync {
    fn get(&self, var: &Tensor) -> Option<&Tensor>;
}

impl Gradients for GradStore {
    fn get(&self, var: &Tensor) -> Option<&Tensor> {
        GradStore::get(self, var)
    }
}

pub struct Adam {
    vars: Vec<Var>,
    /// First and second moments, one per variable (same order), flattened.
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    /// Steps taken (for bias correction).
    t: u64,
    pub params: AdamParams,
}

impl Adam {
    pub fn new(vars: Vec<Var>, params: AdamParams) -> Result<Self> {
        let m: Vec<Vec<f32>> = vars.iter().map(|v| vec![0.0; v.elem_count()]).collect();
        let v = m.clone();
        Ok(Self { vars, m, v, t: 0, params })
    }

    /// Applies one update from `grads`, or refuses it (changing nothing) when any gradient holds
    /// NaN or ±inf. Returns the global gradient norm of the step taken.
    pub fn step<G: Gradients>(&mut self, grads: &G) -> Result<std::result::Result<f64, Refused>> {
        self.step_mean(&[(grads, 1.0)])
    }

    /// [`Adam::step`] with the gradient Σ wₚ·gₚ of several parts of a batch (weights summing to
    /// one): one update, as if the whole batch had been one pass. With several parts (taken on
    /// threads) the parameters are also gathered and updated on rayon's pool, one per task.
    pub fn step_mean<G: Gradients>(&mut self, parts: &[(&G, f32)]) -> Result<std::result::Result<f64, Refused>> {
        let threaded = parts.len() > 1;
        // Each parameter's gradient and its sum of squares. A single whole-batch gradient is read
        // where it lies; several parts' are summed into a vector of their own.
        let single = matches!(parts, [(_, weight)] if *weight == 1.0);
        let gather = |var: &Var| -> Result<(Gathered, f64)> {
            if single {
                return Ok(match parts[0].0.get(var.as_tensor()) {
                    Some(g) => (Gathered::Single, with_values(g, kernel::sum_of_squares)?),
                    None => (Gathered::Missing, 0.0),
                });
            }
            let mut sum: Option<Vec<f32>> = None;
            for &(grads, weight) in parts {
                let Some(g) = grads.get(var.as_tensor()) else { continue };
                with_values(g, |g| match &mut sum {
                    None => sum = Some(g.iter().map(|x| weight * x).collect()),
                    Some(s) => s.iter_mut().zip(g).for_each(|(s, x)| *s += weight * x),
                })?;
            }
            Ok(match sum {
                Some(s) => {
                    let squares = kernel::sum_of_squares(&s);
                    (Gathered::Sum(s), squares)
                }
                None => (Gathered::Missing, 0.0),
            })
        };
        let found: Vec<(Gathered, f64)> = if threaded {
            parallel::map(self.vars.len(), |i| gather(&self.vars[i]))?
        } else {
            self.vars.iter().map(gather).collect::<Result<_>>()?
        };
        // The sum of squares is finite only if every element is.
        let norm: f64 = found.iter().map(|(_, squares)| squares).sum();
        if !norm.is_finite() {
            return Ok(Err(Refused::NonFiniteGradient));
        }
        self.t += 1;
        let AdamParams { lr, beta1, beta2, eps } = self.params;
        let correction1 = 1.0 - beta1.powi(self.t as i32);
        let correction2 = 1.0 - beta2.powi(self.t as i32);
        // x ← x − lr·m̂/(√v̂ + ε) with m̂ = m/c1, v̂ = v/c2: the corrections folded into two factors.
        let k = AdamStep {
            b1: beta1 as f32,
            b2: beta2 as f32,
            step_size: (lr / correction1) as f32,
            inv_c2: (1.0 / correction2) as f32,
            eps: eps as f32,
        };
        let update = |(var, m, v, g): &mut (&Var, &mut Vec<f32>, &mut Vec<f32>, Gathered)| -> Result<()> {
            let mut apply = |g: &[f32]| update_parameter(var, m, v, g, &k);
            match g {
                Gathered::Missing => Ok(()),
                Gathered::Single => with_values(parts[0].0.get(var.as_tensor()).expect("gathered above"), apply)?,
                Gathered::Sum(s) => apply(s),
            }
        };
        let mut work: Vec<_> = self.vars.iter().zip(self.m.iter_mut()).zip(self.v.iter_mut()).zip(found)
            .map(|(((var, m), v), (g, _))| (var, m, v, g)).collect();
        if threaded {
            parallel::for_each(&mut work, update)?;
        } else {
            work.iter_mut().try_for_each(update)?;
        }
        Ok(Ok(norm.sqrt()))
    }

    pub fn steps_taken(&self) -> u64 {
        self.t
    }

    /// First and second moments as tensors, in the order of the variables given to [`Adam::new`].
    pub fn moments(&self) -> Result<(Vec<Tensor>, Vec<Tensor>)> {
        let tensors = |xs: &[Vec<f32>]| -> Result<Vec<Tensor>> {
            xs.iter().zip(&self.vars).map(|(x, var)| Tensor::from_slice(x, var.shape(), var.device())).collect()
        };
        Ok((tensors(&self.m)?, tensors(&self.v)?))
    }

    /// Puts saved moments and step count back (for resuming from a checkpoint). Each moment must
    /// have its variable's shape; on a mismatch nothing changes.
    pub fn set_moments(&mut self, m: Vec<Tensor>, v: Vec<Tensor>, t: u64) -> Result<()> {
        let fits = |xs: &[Tensor]| xs.len() == self.vars.len() && xs.iter().zip(&self.vars).all(|(x, var)| x.shape() == var.shape());
        if !fits(&m) || !fits(&v) {
            candle_core::bail!("optimiser moments do not match the model's parameters");
        }
        let flat = |xs: Vec<Tensor>| xs.iter().map(|x| x.flatten_all()?.to_vec1::<f32>()).collect::<Result<Vec<_>>>();
        (self.m, self.v) = (flat(m)?, flat(v)?);
        self.t = t;
        Ok(())
    }

    /// A copy of the weights and moments that later steps cannot change.
    pub fn snapshot(&self) -> Result<Snapshot> {
        // Var::set writes in place, so weights need a deep copy (the moments are owned vectors).
        let weights = self.vars.iter().map(|v| v.as_tensor().copy()).collect::<Result<Vec<_>>>()?;
        Ok(Snapshot { weights, m: self.m.clone(), v: self.v.clone(), t: self.t })
    }

    /// Puts the weights and moments back as they were at `snapshot`.
    pub fn restore(&mut self, snapshot: &Snapshot) -> Result<()> {
        for (var, w) in self.vars.iter().zip(&snapshot.weights) {
            var.set(w)?;
        }
        self.m = snapshot.m.clone();
        self.v = snapshot.v.clone();
        self.t = snapshot.t;
        Ok(())
    }
}

/// Weights and optimiser state at one moment, for rolling back a divergence.
pub struct Snapshot {
    weights: Vec<Tensor>,
    m: Vec<Vec<f32>>,
    v: Vec<Vec<f32>>,
    t: u64,
}

/// A parameter's gradient for one update: none, the single whole-batch gradient's (read where it
/// lies), or the weighted sum of several parts'.
enum Gathered {
    Missing,
    Single,
    Sum(Vec<f32>),
}

/// `f` on a tensor's f32 values: borrowed from its storage when contiguous, else a copy.
fn with_values<R>(t: &Tensor, f: impl FnOnce(&[f32]) -> R) -> Result<R> {
    if let Ok(v) = values(t) {
        return Ok(f(&v));
    }
    Ok(f(&t.flatten_all()?.to_vec1::<f32>()?))
}

/// Adam's update of one parameter `var` with its moments and gradient: the kernel runs on the
/// parameter's own storage, a Candle in-place op (copying it out and back cost a pass each way).
fn update_parameter(var: &Var, m: &mut [f32], v: &mut [f32], g: &[f32], k: &AdamStep) -> Result<()> {
    var.inplace_op1(&InPlaceUpdate { m: RefCell::new(m), v: RefCell::new(v), g, k })
}

/// Adam's update of one parameter, run by Candle on the parameter's own storage.
struct InPlaceUpdate<'a> {
    m: RefCell<&'a mut [f32]>,
    v: RefCell<&'a mut [f32]>,
    g: &'a [f32],
    k: &'a AdamStep,
}

impl InplaceOp1 for InPlaceUpdate<'_> {
    fn name(&self) -> &'static str {
        "adam-update"
    }

    fn cpu_fwd(&self, storage: &mut CpuStorage, layout: &Layout) -> Result<()> {
        let (CpuStorage::F32(w), Some((start, end))) = (storage, layout.contiguous_offsets()) else {
            candle_core::bail!("Adam: a parameter is not a contiguous f32 tensor");
        };
        kernel::update(&mut w[start..end], &mut self.m.borrow_mut(), &mut self.v.borrow_mut(), self.g, self.k);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;

    #[test]
    fn first_steps_match_the_closed_form() {
        // Loss Σx², gradient 2x. Step 1: m̂ = g, v̂ = g², so x ← x − lr·g/(|g| + ε).
        let x = Var::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
        let mut adam = Adam::new(vec![x.clone()], AdamParams::new(0.1)).unwrap();
        let g = [2.0f64, -4.0];
        let norm = adam.step(&x.as_tensor().sqr().unwrap().sum_all().unwrap().backward().unwrap()).unwrap().unwrap();
        assert!((norm - 20f64.sqrt()).abs() < 1e-5);
        let want: Vec<f64> = [1.0, -2.0].iter().zip(g).map(|(x, g)| x - 0.1 * g / (g.abs() + 1e-8)).collect();
        let got = x.as_tensor().to_vec1::<f32>().unwrap();
        for (a, b) in got.iter().zip(&want) {
            assert!((*a as f64 - b).abs() < 1e-6, "{got:?} vs {want:?}");
        }
        // Step 2 by hand: m = 0.9·0.1·g1 + 0.1·g2 etc., with bias correction.
        let x1: Vec<f64> = got.iter().map(|&v| v as f64).collect();
        adam.step(&x.as_tensor().sqr().unwrap().sum_all().unwrap().backward().unwrap()).unwrap().unwrap();
        let got = x.as_tensor().to_vec1::<f32>().unwrap();
        for i in 0..2 {
            let (g1, g2) = (g[i], 2.0 * x1[i]);
            let m = 0.9 * 0.1 * g1 + 0.1 * g2;
            let v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
            let (m_hat, v_hat) = (m / (1.0 - 0.81), v / (1.0 - 0.999f64.powi(2)));
            let want = x1[i] - 0.1 * m_hat / (v_hat.sqrt() + 1e-8);
            assert!((got[i] as f64 - want).abs() < 1e-5, "step 2, x[{i}] = {} vs {want}", got[i]);
        }
        assert_eq!(adam.steps_taken(), 2);
    }

    #[test]
    fn parts_of_a_batch_step_as_their_weighted_mean() {
        // With ε = lr far above |g| the first update is −m̂ = −g (to a part in 10⁶), linear in the
        // gradient, so a wrong weight shows (with a usual ε Adam would not see a scaled gradient).
        let data = [[1.0f32, 2.0], [-3.0, 0.5], [0.25, -1.0]];
        let loss = |x: &Var, rows: &[[f32; 2]]| {
            let t = Tensor::from_vec(rows.concat(), (rows.len(), 2), &Device::Cpu).unwrap();
            x.as_tensor().broadcast_mul(&t).unwrap().sqr().unwrap().sum(1).unwrap().mean_all().unwrap()
        };
        let params = AdamParams { eps: 1e6, ..AdamParams::new(1e6) };
        let whole = Var::new(&[0.5f32, -1.5], &Device::Cpu).unwrap();
        Adam::new(vec![whole.clone()], params.clone()).unwrap().step(&loss(&whole, &data).backward().unwrap()).unwrap().unwrap();
        let parts = Var::new(&[0.5f32, -1.5], &Device::Cpu).unwrap();
        let (g1, g2) = (loss(&parts, &data[..1]).backward().unwrap(), loss(&parts, &data[1..]).backward().unwrap());
        let mut adam = Adam::new(vec![parts.clone()], params).unwrap();
        adam.step_mean(&[(&g1, 1.0 / 3.0), (&g2, 2.0 / 3.0)]).unwrap().unwrap();
        let (a, b) = (whole.as_tensor().to_vec1::<f32>().unwrap(), parts.as_tensor().to_vec1::<f32>().unwrap());
        // The mean gradient by hand: 2·x·mean(row²) per coordinate.
        let want = [-2.0 * 0.5 * (1.0 + 9.0 + 0.0625) / 3.0, 2.0 * 1.5 * (4.0 + 0.25 + 1.0) / 3.0];
        for ((a, b), (x0, g)) in a.iter().zip(&b).zip([0.5f32, -1.5].iter().zip(want)) {
            let (da, db) = ((a - x0) as f64, (b - x0) as f64);
            assert!((da - g).abs() < 1e-4 * g.abs(), "whole batch moved {da}, want {g}");
            assert!((da - db).abs() < 1e-5 * da.abs(), "whole batch moved {da}, parts {db}");
        }
    }

    #[test]
    fn a_non_finite_gradient_changes_nothing() {
        let x = Var::new(&[1.0f32, -2.0], &Device::Cpu).unwrap();
        let mut adam = Adam::new(vec![x.clone()], AdamParams::new(0.1)).unwrap();
        let nan_loss = (x.as_tensor().sqr().unwrap() * f64::NAN).unwrap().sum_all().unwrap();
        assert_eq!(adam.step(&nan_loss.backward().unwrap()).unwrap(), Err(Refused::NonFiniteGradient));
        assert_eq!(x.as_tensor().to_vec1::<f32>().unwrap(), vec![1.0, -2.0]);
        assert_eq!(adam.steps_taken(), 0);
    }
}
