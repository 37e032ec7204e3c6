//! The native command line: trains, evaluates and exports with exactly the code the page runs.
//! Its flags are read in `args`; each command here converts and forwards to the library.

pub mod args;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::cli::args::{config_of, parse_args, Args};
use crate::config::Config;
use crate::data::datasets;
use crate::evaluation::classifier::{Classifier, ClassifierMeta};
use crate::evaluation::explorer::Explorer;
use crate::evaluation::sampler::{Sampler, Sampling};
use crate::evaluation::{codes, diagnostics, evaluate, generation};

/// The stream the generation figures draw their samples from: the same draws for every model.
const GENERATION_SEED: u64 = 0x6E4E_0026;
use crate::files::checkpoint::{self, Precision};
use crate::kinds::ModelKind;
use crate::models::model::autoencoder;
use crate::training::Trainer;

/// A caption's inline TeX (between `$…$`, for the page to typeset) as terminal text: the few
/// macros the samplers' captions use, in Unicode.
fn plain(tex: &str) -> String {
    let mut out = tex.replace('$', "");
    // τ² before the thin space it ends with.
    for (from, to) in [(r"\sim", "~"), (r"\mathcal N", "N"), (r"\mu", "μ"), (r"\Sigma", "Σ"), (r"^2\,", "²·"), (r"\,", " ")] {
        out = out.replace(from, to);
    }
    out.replace(['{', '}'], "")
}

#[cfg(test)]
mod tests {
    #[test]
    fn captions_read_as_before_in_a_terminal() {
        let how = crate::evaluation::sampler::Sampling::new(crate::evaluation::sampler::Sampler::Prior, 0.7).unwrap();
        assert_eq!(super::plain(&how.describe(crate::kinds::ModelKind::Cvae, Some(3))), "z ~ N(μ^3, 0.7²·I), the prior of class 3");
        let fitted = crate::evaluation::sampler::Sampling::new(crate::evaluation::sampler::Sampler::Fitted, 1.0).unwrap();
        assert_eq!(super::plain(&fitted.describe_each_class(crate::kinds::ModelKind::Sohn)), "z ~ N(m_y, Σ_y), fitted to the encoder means of class y");
    }
}

/// The held-out figures of the trainer's model on its test set.
fn test_figures(trainer: &Trainer) -> Result<evaluate::Evaluation, String> {
    let net = autoencoder(trainer.model()).map_err(|e| e.to_string())?;
    evaluate::evaluate(net, trainer.test_set()).map_err(|e| e.to_string())
}

fn read(path: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn trainer_for(a: &Args, config: Config) -> Result<Trainer, String> {
    let name = a.dataset.clone().unwrap_or_else(|| "mnist".into());
    let root = a.data_root.clone().unwrap_or_else(|| "data".into());
    let (train, test) = datasets::load(&name, &root).map_err(|e| e.to_string())?;
    println!("data: {name}, {} train and {} test images of {}x{}", train.len(), test.len(), train.rows, train.cols);
    let mut trainer = Trainer::new(config, train, test).map(|t| t.named(&name)).map_err(|e| e.to_string())?;
    trainer.set_threads(a.threads.unwrap_or(1)).map_err(|e| e.to_string())?;
    Ok(trainer)
}

fn train(a: &Args) -> Result<(), String> {
    let (config, epochs) = config_of(a)?;
    let mut trainer = trainer_for(a, config)?;
    if let Some(path) = &a.init {
        let loaded = trainer.load_checkpoint(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        let how = if loaded.resumed { "optimiser state restored" } else { "fresh optimiser" };
        println!("continuing from {} (step {}, {how}; {})", path.display(), loaded.meta.step, trained_by(&loaded.meta));
        if let Some(b) = a.beta { trainer.set_beta(b).map_err(|e| e.to_string())? }
        if let Some(lr) = a.lr { trainer.set_learning_rate(lr).map_err(|e| e.to_string())? }
        if let Some(b) = a.batch { trainer.set_batch(b).map_err(|e| e.to_string())? }
    }
    let c = trainer.config().clone();
    if c.model.is_solved() {
        println!("model: PCA, latent {} (solved exactly from the training images, not trained)", c.latent);
        return save_solved(a, &trainer);
    }
    let spread = if c.model.has_class_means() { format!(", means spread {}", c.means_spread) } else { String::new() };
    let gan = if c.model.is_adversarial() {
        format!(
            ", k = {} D steps per G step, {:?} G loss, real target {}, instance noise {}, Adam β1 {}, D dropout {}, G output {:?}, G activation {:?}, minibatch std {}, G average {}, D lr × {}, spectral norm {}, translation {}",
            c.d_steps, c.gan_loss, c.label_smoothing, c.instance_noise, c.beta1, c.dropout, c.gan_output, c.gan_activation, c.minibatch_std, c.ema, c.d_lr_scale,
            c.spectral_norm, c.translation
        )
    } else {
        format!(", β {}", c.beta)
    };
    println!("model: {:?}, latent {}, hidden {} × {} layers{gan}, lr {}, batch {}, seed {}{spread}; {epochs} epochs",
        c.model, c.latent, c.hidden, c.layers, c.learning_rate, c.batch, c.seed);
    let steps_per_epoch = (trainer.train_set().len() / c.batch.min(trainer.train_set().len())) as u32;
    // With --classifier and --eval-every: the generation figures every so many steps.
    let judge = match (&a.classifier, a.eval_every) {
        (Some(path), Some(every)) if every > 0 => Some((Classifier::decode(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?.0, every)),
        (None, None) => None,
        _ => return Err("train: --classifier and --eval-every (above 0) go together: the generation figures every so many steps".into()),
    };
    let run_start = Instant::now();
    for epoch in 1..=epochs {
        let start = Instant::now();
        // The family's figures summed over the epoch's steps, whatever they are named.
        let mut sum = crate::models::family::Terms::default();
        for done in 1..=steps_per_epoch {
            let p = trainer.train_steps(1).map_err(|e| e.to_string())?;
            sum.add_weighted(&p.terms, 1.0);
            if done % 20 == 0 || done == steps_per_epoch {
                let (name, value) = sum.0.iter().find(|(n, _)| *n == "loss").or(sum.0.first()).copied().unwrap_or(("loss", 0.0));
                progress_bar(epoch, done, steps_per_epoch, name, value / done as f64);
            }
            if let Some((clf, every)) = &judge {
                if trainer.step() % every == 0 {
                    eprint!("\r\x1b[2K");
                    generation_line(&trainer, clf, a.samples.unwrap_or(2000), run_start.elapsed().as_secs_f64())?;
                }
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = steps_per_epoch as f64;
        eprint!("\r\x1b[2K");
        let rate = n * c.batch as f64 / secs;
        let mean = |name: &str| sum.get(name).unwrap_or(0.0) / n;
        if trainer.model().autoencoder().is_none() {
            let terms: Vec<String> = sum.0.iter().map(|(name, v)| format!("{name} {:.4}", v / n)).collect();
            println!("epoch {epoch:>3}  step {}  train: {}  {rate:.0} samples/s", trainer.step(), terms.join(", "));
            continue;
        }
        let eval = test_figures(&trainer)?;
        if c.model.is_variational() {
            println!(
                "epoch {epoch:>3}  train: loss {:.2} (recon {:.2}, KL {:.2})  test: −ELBO {:.2} (recon {:.2} + KL {:.2})  {rate:.0} samples/s",
                mean("loss"), mean("recon"), mean("kl"), eval.neg_elbo, eval.recon, eval.kl
            );
        } else {
            println!("epoch {epoch:>3}  train: reconstruction error {:.2}  test: reconstruction error {:.2}  {rate:.0} samples/s", mean("recon"), eval.recon);
        }
    }
    println!("trained in {:.1} s", run_start.elapsed().as_secs_f64());
    save(a, &trainer)
}

/// The generation figures of the trainer's model: `samples` prior draws against the test images.
fn generation_line(trainer: &Trainer, clf: &Classifier, samples: usize, seconds: f64) -> Result<(), String> {
    let counts = trainer.train_set().class_counts(trainer.model().classes());
    let g = generation::compare(trainer.model(), clf, &counts, trainer.test_set(), samples, GENERATION_SEED).map_err(|e| e.to_string())?;
    println!(
        "step {:>6}  {samples} samples: classifier score {:.2} (test images {:.2}), Fréchet distance {:.1}, coverage {:.3}, grey pixels {:.3} (test images {:.3})  [{seconds:.0} s]",
        trainer.step(), g.samples.score, g.real.score, g.frechet, g.samples.coverage, g.samples.grey_share, g.real.grey_share
    );
    Ok(())
}

/// PCA: solved when the trainer was built; reports its errors and saves it.
fn save_solved(a: &Args, trainer: &Trainer) -> Result<(), String> {
    let net = autoencoder(trainer.model()).map_err(|e| e.to_string())?;
    let train = evaluate::evaluate(net, trainer.train_set()).map_err(|e| e.to_string())?;
    let test = test_figures(trainer)?;
    println!("PCA solved: train reconstruction error {:.6}  test: {:.6} per image (summed squared error)", train.recon, test.recon);
    save(a, trainer)
}

fn save(a: &Args, trainer: &Trainer) -> Result<(), String> {
    if let Some(path) = &a.save {
        let precision = if a.half { Precision::F16 } else { Precision::F32 };
        let bytes = trainer.checkpoint(precision).map_err(|e| e.to_string())?;
        write_atomically(path, &bytes)?;
        println!("saved {} ({} bytes, {precision:?})", path.display(), bytes.len());
    }
    Ok(())
}

/// Loads a checkpoint into a trainer on the named data set (default: the one it was trained on).
fn load(a: &Args) -> Result<Trainer, String> {
    Ok(load_described(a)?.0)
}

/// [`load`], and the checkpoint's description.
fn load_described(a: &Args) -> Result<(Trainer, checkpoint::Meta), String> {
    let path = a.checkpoint.as_ref().ok_or("--checkpoint is required")?;
    let bytes = read(path)?;
    let meta = checkpoint::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?.meta;
    let args = Args { dataset: a.dataset.clone().or(Some(meta.dataset.clone())), data_root: a.data_root.clone(), ..Args::default() };
    let mut trainer = trainer_for(&args, meta.config.clone())?;
    trainer.load_checkpoint(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok((trainer, meta))
}

/// Who saved a checkpoint, in words.
fn trained_by(meta: &checkpoint::Meta) -> String {
    match &meta.trainer {
        Some(t) => format!("saved by {t}"),
        None => "saved by an earlier vae-lab (no trainer recorded)".to_string(),
    }
}

fn eval(a: &Args) -> Result<(), String> {
    let (trainer, meta) = load_described(a)?;
    println!("checkpoint: {:?} on {}, step {}, {}", meta.config.model, meta.dataset, meta.step, trained_by(&meta));
    let mut explorer = Explorer::new(trainer.config().seed);
    let classifier = match &a.classifier {
        Some(path) => Some(Classifier::decode(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?),
        None => None,
    };
    if let Some((clf, meta)) = &classifier {
        let n = a.samples.unwrap_or(10_000);
        println!("generation figures: {n} prior samples (τ = 1) against the {} test images, read by a classifier with {:.2} % test accuracy", trainer.test_set().len(), meta.test_accuracy * 100.0);
        let counts = trainer.train_set().class_counts(trainer.model().classes());
        let g = generation::compare(trainer.model(), clf, &counts, trainer.test_set(), n, GENERATION_SEED).map_err(|e| e.to_string())?;
        let shares: Vec<String> = g.samples.class_shares.iter().enumerate().map(|(y, s)| format!("{y}: {:.1}", s * 100.0)).collect();
        println!("  classifier score   {:.2}   (test images {:.2})", g.samples.score, g.real.score);
        println!("  Fréchet distance   {:.1}   (penultimate features, samples against test images)", g.frechet);
        println!("  class coverage     {:.3}  (share of the least-drawn class; test images {:.3})", g.samples.coverage, g.real.coverage);
        println!("  grey pixels        {:.3}  (share in (0.1, 0.9); test images {:.3})", g.samples.grey_share, g.real.grey_share);
        println!("  drawn per class %  {}", shares.join(", "));
    }
    if trainer.model().autoencoder().is_none() {
        // No encoder: no bound, no reconstructions, no codes of test images; conditional
        // accuracy below where the kind has classes.
        if let (Some((clf, meta)), true) = (&classifier, trainer.config().model.is_conditional()) {
            conditional_accuracy_lines(a, &trainer, &mut explorer, clf, meta, &[Sampler::Prior])?;
        }
        return Ok(());
    }
    let e = test_figures(&trainer)?;
    let kind = trainer.config().model;
    let bound = if kind.is_conditional() { "−log p(x | y) ≤ −ELBO" } else { "−log p(x) ≤ −ELBO" };
    if kind.is_variational() {
        println!("test −ELBO {:.2} nats per image (recon {:.2} + KL {:.2}) on {} images ({bound})", e.neg_elbo, e.recon, e.kl, e.images);
    } else if kind.is_solved() {
        println!("test reconstruction error {:.6} per image (summed squared error) on {} images (PCA has no ELBO)", e.recon, e.images);
    } else {
        println!("test reconstruction error {:.2} nats per image (summed cross-entropy) on {} images (the autoencoder has no ELBO)", e.recon, e.images);
    }
    println!("test squared error {:.4} per image (Σ (x − x̂)², x̂ decoded from μ)", e.squared_error);
    let net = autoencoder(trainer.model()).map_err(|e| e.to_string())?;
    let latent = diagnostics::latent_report(net, trainer.test_set()).map_err(|e| e.to_string())?;
    if kind.is_variational() {
        let kl: Vec<String> = latent.kl_per_dim.iter().map(|k| format!("{k:.2}")).collect();
        println!("KL per latent dimension (nats): {}", kl.join(" "));
    }
    println!("active units: {} of {} (Cov_x E_q[z_u] > {})", latent.active_units, latent.activity.len(), diagnostics::ACTIVE_THRESHOLD);
    let mut iw_figure = None;
    if let Some(k) = a.iw {
        let start = Instant::now();
        let iw = diagnostics::importance_weighted(net, trainer.test_set(), k, 1, |done, total| {
            if done % 50 == 0 || done == total {
                eprint!("\rimportance-weighted bound: {done}/{total} images");
                let _ = std::io::stderr().flush();
            }
            true
        }).map_err(|e| e.to_string())?;
        eprint!("\r\x1b[2K");
        println!("importance-weighted bound, k = {k}: {bound_name} ≤ {:.2} nats per image on {} images; gap to the −ELBO {:.2} ({:.0} s)",
            iw.neg_log_likelihood, iw.images, e.neg_elbo - iw.neg_log_likelihood, start.elapsed().as_secs_f64(),
            bound_name = if trainer.config().model.is_conditional() { "−log p(x | y)" } else { "−log p(x)" });
        iw_figure = Some(iw);
    }
    if let (Some((clf, meta)), true) = (&classifier, kind.is_conditional()) {
        let samplers = match a.sampler {
            Some(s) => vec![s],
            None => vec![Sampler::Prior, Sampler::Fitted],
        };
        conditional_accuracy_lines(a, &trainer, &mut explorer, clf, meta, &samplers)?;
    }
    if a.json {
        // Unrounded, for other programs (tests/python and python/tests compare PyTorch's figures).
        let figures = serde_json::json!({
            "model": kind.key(), "dataset": meta.dataset, "step": meta.step, "trainer": meta.trainer,
            "evaluation": e, "latent": latent, "iw": iw_figure,
        });
        println!("{figures}");
    }
    Ok(())
}

/// Conditional accuracy for each sampler at τ = 1 and at --tau.
fn conditional_accuracy_lines(a: &Args, trainer: &Trainer, explorer: &mut Explorer, clf: &Classifier, meta: &ClassifierMeta, samplers: &[Sampler]) -> Result<(), String> {
    let per_class = a.per_class.unwrap_or(1000);
    let taus = [1.0, a.tau.unwrap_or(0.7)];
    println!("conditional accuracy: {per_class} draws per class, labelled by a classifier with {:.2} % test accuracy", meta.test_accuracy * 100.0);
    for &sampler in samplers {
        for (k, &tau) in taus.iter().enumerate() {
            if k == 1 && tau == taus[0] {
                continue;
            }
            let sampling = Sampling::new(sampler, tau).map_err(|e| e.to_string())?;
            let (acc, per) = explorer.conditional_accuracy(trainer, clf, sampling, per_class, false).map_err(|e| e.to_string())?;
            let per: Vec<String> = per.iter().enumerate().map(|(y, p)| format!("{y}: {:.1}", p * 100.0)).collect();
            let kind = trainer.config().model;
            println!("  {:<6} τ = {tau:<4} {:6.2} %   {}", format!("{sampler:?}").to_lowercase(), acc * 100.0, plain(&sampling.describe_each_class(kind)));
            println!("                       per class: {}", per.join(", "));
        }
    }
    Ok(())
}

/// Draws samples as the page's *Sample* does and prints them as JSON.
fn sample(a: &Args) -> Result<(), String> {
    let trainer = load(a)?;
    let sampling = Sampling::new(a.sampler.unwrap_or(Sampler::Prior), a.tau.unwrap_or(1.0)).map_err(|e| e.to_string())?;
    let mut explorer = match a.seed {
        Some(seed) => Explorer::with_stream(crate::rng::Rng::new(seed)),
        None => Explorer::new(trainer.config().seed),
    };
    let s = explorer.sample(&trainer, a.class, a.n.unwrap_or(8), sampling, false).map_err(|e| e.to_string())?;
    let list = |v: &[f32]| v.iter().map(|p| format!("{p:e}")).collect::<Vec<_>>().join(",");
    let labels: Vec<String> = s.labels.iter().map(|y| y.to_string()).collect();
    let what = plain(&sampling.describe(trainer.config().model, a.class));
    println!("{{\"distribution\":{what:?},\"z\":[{}],\"labels\":[{}],\"images\":[{}]}}", list(&s.z), labels.join(","), list(&s.images));
    Ok(())
}

fn train_classifier(a: &Args) -> Result<(), String> {
    let path = a.save.as_ref().ok_or("--save is required: where to write the classifier")?;
    let name = a.dataset.clone().unwrap_or_else(|| "mnist".into());
    let root = a.data_root.clone().unwrap_or_else(|| "data".into());
    let (train, test) = datasets::load(&name, &root).map_err(|e| e.to_string())?;
    let classes = train.classes();
    let mut clf = Classifier::new(classes, &mut crate::rng::Rng::new(a.seed.unwrap_or(1))).map_err(|e| e.to_string())?;
    let start = Instant::now();
    clf.train(&train, a.epochs.unwrap_or(8), a.seed.unwrap_or(1), a.augment, |epoch, loss| {
        println!("epoch {epoch:>3}  train cross-entropy {loss:.4}  ({:.0} s)", start.elapsed().as_secs_f64());
    }).map_err(|e| e.to_string())?;
    let test_accuracy = clf.accuracy(&test).map_err(|e| e.to_string())?;
    println!("classifier test accuracy {:.2} % on {} {name} test images", test_accuracy * 100.0, test.len());
    let bytes = clf.encode(&ClassifierMeta { classes, dataset: name, test_accuracy }).map_err(|e| e.to_string())?;
    write_atomically(path, &bytes)?;
    println!("saved {} ({} bytes)", path.display(), bytes.len());
    Ok(())
}

fn decode(a: &Args) -> Result<(), String> {
    let path = a.checkpoint.as_ref().ok_or("--checkpoint is required")?;
    let model = checkpoint::decode(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?.into_model().map_err(|e| e.to_string())?;
    let z = a.z.as_ref().ok_or("--z is required")?;
    if z.len() != model.latent() {
        return Err(format!("--z has {} numbers, the model's latent size is {}", z.len(), model.latent()));
    }
    let pixels = codes::decode(model.as_ref(), z, a.class).map_err(|e| e.to_string())?;
    let text: Vec<String> = pixels.iter().map(|p| format!("{p:e}")).collect();
    println!("[{}]", text.join(","));
    Ok(())
}

/// The benchmark model of issue 5 (the same as the page benchmark's): warm-up, then `repeats`
/// timed runs of `steps` steps. Prints each run and, last, a JSON line for scripts/bench.mjs.
fn bench(a: &Args) -> Result<(), String> {
    let config = Config { model: ModelKind::Vae, latent: 20, hidden: 512, layers: 1, batch: 128, ..Config::default() };
    let mut trainer = trainer_for(a, config.clone())?;
    let (steps, repeats) = (a.steps.unwrap_or(50), a.repeats.unwrap_or(5));
    trainer.train_steps(20).map_err(|e| e.to_string())?;
    let mut rates = Vec::new();
    for r in 1..=repeats {
        let start = Instant::now();
        trainer.train_steps(steps).map_err(|e| e.to_string())?;
        let rate = (steps as usize * config.batch) as f64 / start.elapsed().as_secs_f64();
        println!("run {r}: {rate:.0} samples/s");
        rates.push(rate);
    }
    let clock = Instant::now();
    let profile = trainer.profile_steps(steps, &|| clock.elapsed().as_secs_f64() * 1e3).map_err(|e| e.to_string())?;
    println!("{}", profile_line(&profile));
    // The same product the page times: the ceiling any wasm/native ratio of training can reach.
    let matmul = crate::training::bench::matmul_gflops(128, 784, 512, &|| clock.elapsed().as_secs_f64() * 1e3).map_err(|e| e.to_string())?;
    println!("matmul 128×784·784×512: {matmul:.1} GFLOP/s");
    let gemm = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    let threads = trainer.threads();
    let profile = serde_json::to_string(&profile).map_err(|e| e.to_string())?;
    println!("{{\"samplesPerSec\":[{}],\"threads\":{threads},\"gemmThreads\":\"{gemm}\",\"matmulGflops\":{matmul:.2},\"profile\":{profile}}}", rates.iter().map(|r| format!("{r:.1}")).collect::<Vec<_>>().join(","));
    Ok(())
}

/// "where a step goes: batch 2 %, forward 30 %, …" for a profile of training steps.
fn profile_line(p: &crate::models::family::StepProfile) -> String {
    let phases = [("batch", p.batch), ("forward", p.forward), ("backward", p.backward), ("update", p.update)];
    let total: f64 = phases.iter().map(|(_, t)| t).sum();
    let shares: Vec<String> = phases.iter().map(|(name, t)| format!("{name} {:.0} %", 100.0 * t / total)).collect();
    format!("where a step goes ({:.2} ms per step): {}", total / p.steps.max(1) as f64, shares.join(", "))
}

/// Writes to a temporary file and renames it, so an interrupted save never leaves half a file.
fn write_atomically(path: &PathBuf, bytes: &[u8]) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).and_then(|_| std::fs::rename(&tmp, path)).map_err(|e| format!("{}: {e}", path.display()))
}

fn progress_bar(epoch: usize, done: u32, total: u32, name: &str, value: f64) {
    const WIDTH: u32 = 30;
    let filled = (done * WIDTH / total.max(1)) as usize;
    eprint!("\repoch {epoch:>3} [{}{}] {done}/{total} {name} {value:.3}", "#".repeat(filled), "-".repeat(WIDTH as usize - filled));
    let _ = std::io::stderr().flush();
}

/// Runs the command line with the process arguments; exits 2 with a message on any error.
pub fn main() {
    let result = parse_args(std::env::args().skip(1)).and_then(|a| match a.command.as_str() {
        "train" => train(&a),
        "eval" => eval(&a),
        "sample" => sample(&a),
        "classifier" => train_classifier(&a),
        "bench" => bench(&a),
        "facts" => {
            print!("{}", crate::facts::page_module());
            Ok(())
        }
        _ => decode(&a),
    });
    if let Err(msg) = result {
        eprintln!("{msg}");
        std::process::exit(2);
    }
}
