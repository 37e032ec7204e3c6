//! The objective's terms from D's logits: D's loss (with its smoothed real target, or the hinge),
//! G's loss in its three forms, and the Jensen–Shannon divergence D's loss implies.

use candle_core::Tensor;

use crate::config::GanLoss;
use crate::error::Result;
use crate::models::family::Terms;
use super::layers::*;

/// A step's figures from D's logits on real and generated images: the loss D minimises (with its
/// real target `target`, 1 without smoothing), the texts' −V(G, D) (target 1 always), G's loss,
/// and the means of D(x) and D(G(z)).
pub struct Objective {
    /// mean[softplus(l_real) − t·l_real] + mean[softplus(l_fake)]: the cross-entropy D minimises.
    pub d_loss: Tensor,
    /// −V(G, D) = −(E log D(x) + E log(1 − D(G(z)))).
    pub d_value: f64,
    pub d_real: f64,
    pub d_fake: f64,
}

/// D's side of the objective; `target` is the real images' label (one-sided smoothing).
pub fn discriminator_objective(real_logits: &Tensor, fake_logits: &Tensor, target: f64) -> Result<Objective> {
    // BCE(l, t) = −t log σ(l) − (1 − t) log(1 − σ(l)) = softplus(l) − t·l.
    let real = (softplus(real_logits)? - (real_logits * target)?)?.mean_all()?;
    let fake = softplus(fake_logits)?.mean_all()?;
    let d_loss = (real + &fake)?;
    // −log σ(l) = softplus(−l).
    let d_value = (softplus(&real_logits.neg()?)?.mean_all()? + fake)?.to_scalar::<f32>()? as f64;
    let mean_sigmoid = |l: &Tensor| -> Result<f64> { Ok(candle_nn::ops::sigmoid(l)?.mean_all()?.to_scalar::<f32>()? as f64) };
    Ok(Objective { d_loss, d_value, d_real: mean_sigmoid(real_logits)?, d_fake: mean_sigmoid(fake_logits)? })
}

/// G's loss from D's logits on its images: −mean log D(G(z)) (non-saturating),
/// mean log(1 − D(G(z))) = −mean softplus(l) (saturating), or −mean l (hinge).
pub fn generator_objective(fake_logits: &Tensor, loss: GanLoss) -> Result<Tensor> {
    Ok(match loss {
        GanLoss::NonSaturating => softplus(&fake_logits.neg()?)?.mean_all()?,
        GanLoss::Saturating => softplus(fake_logits)?.mean_all()?.neg()?,
        GanLoss::Hinge => fake_logits.mean_all()?.neg()?,
    })
}

/// D's side with `loss`: [`discriminator_objective`]'s figures; with the hinge loss D minimises
/// mean max(0, 1 − l_real) + mean max(0, 1 + l_fake) instead (no smoothing: `target` unused).
pub fn discriminator_objective_for(real_logits: &Tensor, fake_logits: &Tensor, target: f64, loss: GanLoss) -> Result<Objective> {
    if loss != GanLoss::Hinge {
        return discriminator_objective(real_logits, fake_logits, target);
    }
    let mut o = discriminator_objective(real_logits, fake_logits, 1.0)?;
    o.d_loss = (real_logits.affine(-1.0, 1.0)?.relu()?.mean_all()? + fake_logits.affine(1.0, 1.0)?.relu()?.mean_all()?)?;
    Ok(o)
}

/// The Jensen–Shannon divergence D's loss implies: (log 4 − (−V)) / 2, exact at D's optimum and a
/// lower bound on JSD(p_data ‖ p_G) otherwise.
pub fn jensen_shannon(d_value: f64) -> f64 {
    (4f64.ln() - d_value) / 2.0
}

/// The lowest loss D can reach with real target t: the target's own binary entropy (0 at t = 1).
pub(super) fn loss_floor(t: f64) -> f64 {
    if t >= 1.0 { 0.0 } else { -(t * t.ln() + (1.0 - t) * (1.0 - t).ln()) }
}

/// D's judgement of one real image and one generated one, outside training (see `Gan::verdict`).
#[derive(Clone, Copy, Debug)]
pub struct Verdict {
    /// D(x) and D(G(z)), probabilities of "real".
    pub d_real: f64,
    pub d_fake: f64,
    /// −log D(x) and −log(1 − D(G(z))): their sum is −V(G, D) for this pair.
    pub real_term: f64,
    pub fake_term: f64,
    /// G's loss on its image (the configured form).
    pub g_loss: f64,
}

impl Verdict {
    /// The figures by the names training reports them under.
    pub fn terms(&self) -> Terms {
        Terms(vec![("dLoss", self.real_term + self.fake_term), ("gLoss", self.g_loss), ("dReal", self.d_real), ("dFake", self.d_fake)])
    }
}
