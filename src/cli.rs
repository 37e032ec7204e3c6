//! The native command line: trains, evaluates and exports with exactly the code the page runs.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use crate::checkpoint::{self, Precision};
use crate::classifier::{Augment, Classifier, ClassifierMeta};
use crate::sampler::{Sampler, Sampling};
use crate::{datasets, diagnostics, Config, ModelKind, Trainer};

const USAGE: &str = "\
usage:
  vae-lab train  [--dataset mnist|fashion] [--preset page|pytorch-example] [--model vae|cvae|sohn]
                 [--latent N] [--hidden N] [--layers N] [--beta B] [--warmup STEPS] [--means-spread S] [--lr R] [--batch N] [--epochs N] [--seed N]
                 [--init CKPT] [--save CKPT] [--half] [--threads N]
  vae-lab eval   --checkpoint CKPT [--dataset mnist|fashion] [--iw K] [--classifier CLF] [--per-class N] [--sampler prior|fitted] [--tau T]
  vae-lab sample --checkpoint CKPT [--class Y] [--sampler prior|fitted] [--tau T] [--n N] [--seed N]
                 (prints the codes, classes and images as JSON)
  vae-lab classifier [--dataset mnist|fashion] [--epochs N] [--seed N] [--augment A] --save CLF
  vae-lab decode --checkpoint CKPT --z z1,z2,... [--class Y]   (prints the 784 intensities as JSON)
  vae-lab bench  [--steps N] [--repeats N] [--threads N]    training samples/s of the benchmark model (VAE 784-512-20,
                 batch 128) on MNIST; set RAYON_NUM_THREADS=1 for one core. Prints JSON last.
options:
  --dataset      mnist: 10,000 digits, 9,003/997 split; fashion: Fashion-MNIST 60,000/10,000 (default mnist)
  --data-root    folder holding mnist/ and fashion/ (default data, prepared by scripts/setup.sh)
  --preset       page: the page's defaults (CVAE, latent 8, 2 hidden layers of 400, β 1, lr 0.001, batch 64), 5 epochs;
                 pytorch-example: pytorch/examples' VAE (VAE, latent 20, hidden 400, lr 0.001, batch 128), 10 epochs
  --layers N     hidden layers on each side, each --hidden wide (default 2)
  --means-spread S  CVAE: class means start as N(0, S²I) draws (default 1; 8 makes classes separate)
  --threads N    cut each batch into N parts whose gradients are taken on N threads (default 1;
                 Candle's matrix products use every core either way unless RAYON_NUM_THREADS says)
  --init CKPT    continue training from a checkpoint (its model; --beta/--lr/--batch override)
  --save CKPT    write a safetensors checkpoint after training; --half stores it as f16
  --model        vae: prior N(0, I); cvae: the seeds' CVAE, a trainable prior mean μ^y per class;
                 sohn: the standard CVAE (Sohn et al. 2015), the label's one-hot into encoder and decoder
  --classifier   with eval of a conditional model: conditional accuracy, the share of images generated
                 for class y that this classifier labels y (--per-class draws per class, default 1000),
                 for each sampler (or the one --sampler names) at τ = 1 and at --tau (default 0.7)
  --sampler      prior: the model's prior (N(μ^y, I) for cvae, N(0, I) for vae and sohn);
                 fitted: a full-covariance Gaussian fitted to each class's encoder means (default prior)
  --iw K         with eval: the importance-weighted bound on −log p(x) with K samples per test image
                 (1 to 5000; Burda et al. use 5000), and its gap to the −ELBO
  --tau T        temperature in [0, 1]: z = centre + T·(spread) (default 1 for sample, 0.7 for eval)
  --class Y      the class to sample or decode (sample: default, classes drawn by their frequency)
  --augment A    classifier training images: none (default), shift=N (random shifts of up to N pixels
                 each way), flip (mirrored left-right half of the time), or both: shift=N,flip";

#[derive(Default)]
struct Args {
    command: String,
    dataset: Option<String>,
    data_root: Option<PathBuf>,
    epochs: Option<usize>,
    preset: Option<String>,
    model: Option<ModelKind>,
    latent: Option<usize>,
    hidden: Option<usize>,
    layers: Option<usize>,
    beta: Option<f64>,
    lr: Option<f64>,
    batch: Option<usize>,
    seed: Option<u64>,
    warmup: Option<u64>,
    means_spread: Option<f64>,
    init: Option<PathBuf>,
    save: Option<PathBuf>,
    half: bool,
    checkpoint: Option<PathBuf>,
    z: Option<Vec<f32>>,
    classifier: Option<PathBuf>,
    per_class: Option<usize>,
    iw: Option<usize>,
    sampler: Option<Sampler>,
    tau: Option<f64>,
    class: Option<usize>,
    n: Option<usize>,
    steps: Option<u32>,
    repeats: Option<usize>,
    threads: Option<usize>,
    augment: Augment,
}

fn parse_args(mut it: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = match it.next() {
        Some(c) if ["train", "eval", "sample", "decode", "classifier", "bench"].contains(&c.as_str()) => c,
        Some(h) if h == "-h" || h == "--help" => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command '{other}'\n{USAGE}")),
        None => return Err(USAGE.into()),
    };
    let mut a = Args { command, ..Args::default() };
    while let Some(flag) = it.next() {
        if flag == "--half" {
            a.half = true;
            continue;
        }
        let v = it.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        fn num<T: std::str::FromStr>(flag: &str, v: &str) -> Result<T, String> {
            v.parse().map_err(|_| format!("{flag}: '{v}' is not a valid number here"))
        }
        match flag.as_str() {
            "--dataset" => a.dataset = Some(v),
            "--data-root" => a.data_root = Some(v.into()),
            "--preset" => a.preset = Some(v),
            "--model" => a.model = Some(v.parse()?),
            "--latent" => a.latent = Some(num(&flag, &v)?),
            "--hidden" => a.hidden = Some(num(&flag, &v)?),
            "--layers" => a.layers = Some(num(&flag, &v)?),
            "--beta" => a.beta = Some(num(&flag, &v)?),
            "--lr" => a.lr = Some(num(&flag, &v)?),
            "--batch" => a.batch = Some(num(&flag, &v)?),
            "--seed" => a.seed = Some(num(&flag, &v)?),
            "--warmup" => a.warmup = Some(num(&flag, &v)?),
            "--means-spread" => a.means_spread = Some(num(&flag, &v)?),
            "--epochs" => a.epochs = Some(num(&flag, &v)?),
            "--init" => a.init = Some(v.into()),
            "--save" => a.save = Some(v.into()),
            "--checkpoint" => a.checkpoint = Some(v.into()),
            "--classifier" => a.classifier = Some(v.into()),
            "--per-class" => a.per_class = Some(num(&flag, &v)?),
            "--sampler" => a.sampler = Some(v.parse()?),
            "--iw" => a.iw = Some(num(&flag, &v)?),
            "--tau" => a.tau = Some(num(&flag, &v)?),
            "--class" => a.class = Some(num(&flag, &v)?),
            "--n" => a.n = Some(num(&flag, &v)?),
            "--steps" => a.steps = Some(num(&flag, &v)?),
            "--repeats" => a.repeats = Some(num(&flag, &v)?),
            "--threads" => a.threads = Some(num(&flag, &v)?),
            "--augment" => a.augment = parse_augment(&v)?,
            "--z" => a.z = Some(v.split(',').map(|s| num(&flag, s.trim())).collect::<Result<_, _>>()?),
            _ => return Err(format!("unknown option '{flag}'\n{USAGE}")),
        }
    }
    Ok(a)
}

/// "none", "flip", "shift=N" or "shift=N,flip".
fn parse_augment(v: &str) -> Result<Augment, String> {
    let mut aug = Augment::default();
    for part in v.split(',').map(str::trim).filter(|p| *p != "none") {
        match part.split_once('=') {
            None if part == "flip" => aug.flip = true,
            Some(("shift", n)) if n.parse::<usize>().is_ok_and(|n| n <= 8) => aug.shift = n.parse().unwrap_or(0),
            _ => return Err(format!("--augment: '{part}' is not none, flip or shift=N (N at most 8)")),
        }
    }
    Ok(aug)
}

/// The preset's configuration and epochs, with every explicit flag applied on top.
fn config_of(a: &Args) -> Result<(Config, usize), String> {
    let (mut c, epochs) = match a.preset.as_deref().unwrap_or("page") {
        "page" => (Config::default(), 5),
        "pytorch-example" => (
            Config { model: ModelKind::Vae, latent: 20, hidden: 400, layers: 1, beta: 1.0, learning_rate: 1e-3, batch: 128, seed: 1, means_spread: 1.0, warmup: 0 },
            10,
        ),
        other => return Err(format!("unknown preset '{other}': use page or pytorch-example")),
    };
    if let Some(v) = a.model { c.model = v }
    if let Some(v) = a.latent { c.latent = v }
    if let Some(v) = a.hidden { c.hidden = v }
    if let Some(v) = a.layers { c.layers = v }
    if let Some(v) = a.beta { c.beta = v }
    if let Some(v) = a.lr { c.learning_rate = v }
    if let Some(v) = a.batch { c.batch = v }
    if let Some(v) = a.seed { c.seed = v }
    if let Some(v) = a.warmup { c.warmup = v }
    if let Some(v) = a.means_spread { c.means_spread = v }
    c.validate()?;
    Ok((c, a.epochs.unwrap_or(epochs)))
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
        println!("continuing from {} (step {}, {how})", path.display(), loaded.meta.step);
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
    println!("model: {:?}, latent {}, hidden {} × {} layers, β {}, lr {}, batch {}, seed {}{spread}; {epochs} epochs",
        c.model, c.latent, c.hidden, c.layers, c.beta, c.learning_rate, c.batch, c.seed);
    let steps_per_epoch = (trainer.train_set().len() / c.batch.min(trainer.train_set().len())) as u32;
    let run_start = Instant::now();
    for epoch in 1..=epochs {
        let start = Instant::now();
        let (mut recon, mut kl, mut loss) = (0.0, 0.0, 0.0);
        for done in 1..=steps_per_epoch {
            let p = trainer.train_steps(1).map_err(|e| e.to_string())?;
            (recon, kl, loss) = (recon + p.recon, kl + p.kl, loss + p.loss);
            if done % 20 == 0 || done == steps_per_epoch {
                progress_bar(epoch, done, steps_per_epoch, loss / done as f64);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = steps_per_epoch as f64;
        let eval = trainer.evaluate().map_err(|e| e.to_string())?;
        eprint!("\r\x1b[2K");
        let rate = n * c.batch as f64 / secs;
        if c.model.is_variational() {
            println!(
                "epoch {epoch:>3}  train: loss {:.2} (recon {:.2}, KL {:.2})  test: −ELBO {:.2} (recon {:.2} + KL {:.2})  {rate:.0} samples/s",
                loss / n, recon / n, kl / n, eval.neg_elbo, eval.recon, eval.kl
            );
        } else {
            println!("epoch {epoch:>3}  train: reconstruction error {:.2}  test: reconstruction error {:.2}  {rate:.0} samples/s", recon / n, eval.recon);
        }
    }
    println!("trained in {:.1} s", run_start.elapsed().as_secs_f64());
    save(a, &trainer)
}

/// PCA: solved when the trainer was built; reports its errors and saves it.
fn save_solved(a: &Args, trainer: &Trainer) -> Result<(), String> {
    let fit = trainer.train_set();
    let train = crate::views::evaluate(trainer.model(), fit).map_err(|e| e.to_string())?;
    let test = trainer.evaluate().map_err(|e| e.to_string())?;
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
    let path = a.checkpoint.as_ref().ok_or("--checkpoint is required")?;
    let bytes = read(path)?;
    let meta = checkpoint::decode(&bytes).map_err(|e| format!("{}: {e}", path.display()))?.meta;
    let args = Args { dataset: a.dataset.clone().or(Some(meta.dataset.clone())), data_root: a.data_root.clone(), ..Args::default() };
    let mut trainer = trainer_for(&args, meta.config.clone())?;
    trainer.load_checkpoint(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(trainer)
}

fn eval(a: &Args) -> Result<(), String> {
    let mut trainer = load(a)?;
    let e = trainer.evaluate().map_err(|e| e.to_string())?;
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
    let latent = diagnostics::latent_report(trainer.model(), trainer.test_set()).map_err(|e| e.to_string())?;
    if kind.is_variational() {
        let kl: Vec<String> = latent.kl_per_dim.iter().map(|k| format!("{k:.2}")).collect();
        println!("KL per latent dimension (nats): {}", kl.join(" "));
    }
    println!("active units: {} of {} (Cov_x E_q[z_u] > {})", latent.active_units, latent.activity.len(), diagnostics::ACTIVE_THRESHOLD);
    if let Some(k) = a.iw {
        let start = Instant::now();
        let iw = diagnostics::importance_weighted(trainer.model(), trainer.test_set(), k, 1, |done, total| {
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
    }
    if let Some(path) = &a.classifier {
        let (clf, meta) = Classifier::decode(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))?;
        let per_class = a.per_class.unwrap_or(1000);
        let taus = [1.0, a.tau.unwrap_or(0.7)];
        let samplers = match a.sampler {
            Some(s) => vec![s],
            None => vec![Sampler::Prior, Sampler::Fitted],
        };
        println!("conditional accuracy: {per_class} draws per class, labelled by a classifier with {:.2} % test accuracy", meta.test_accuracy * 100.0);
        for sampler in samplers {
            for (k, &tau) in taus.iter().enumerate() {
                if k == 1 && tau == taus[0] {
                    continue;
                }
                let sampling = Sampling::new(sampler, tau).map_err(|e| e.to_string())?;
                let (acc, per) = trainer.conditional_accuracy(&clf, sampling, per_class, false).map_err(|e| e.to_string())?;
                let per: Vec<String> = per.iter().enumerate().map(|(y, p)| format!("{y}: {:.1}", p * 100.0)).collect();
                let kind = trainer.config().model;
                println!("  {:<6} τ = {tau:<4} {:6.2} %   {}", format!("{sampler:?}").to_lowercase(), acc * 100.0, sampling.describe_each_class(kind));
                println!("                       per class: {}", per.join(", "));
            }
        }
    }
    Ok(())
}

/// Draws samples as the page's *Sample* does and prints them as JSON.
fn sample(a: &Args) -> Result<(), String> {
    let mut trainer = load(a)?;
    let sampling = Sampling::new(a.sampler.unwrap_or(Sampler::Prior), a.tau.unwrap_or(1.0)).map_err(|e| e.to_string())?;
    if let Some(seed) = a.seed {
        trainer.sample_rng = crate::rng::Rng::new(seed);
    }
    let s = trainer.sample(a.class, a.n.unwrap_or(8), sampling, false).map_err(|e| e.to_string())?;
    let list = |v: &[f32]| v.iter().map(|p| format!("{p:e}")).collect::<Vec<_>>().join(",");
    let labels: Vec<String> = s.labels.iter().map(|y| y.to_string()).collect();
    let what = sampling.describe(trainer.config().model, a.class);
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
    if z.len() != model.latent {
        return Err(format!("--z has {} numbers, the model's latent size is {}", z.len(), model.latent));
    }
    let pixels = crate::views::decode_with(&model, z, a.class).map_err(|e| e.to_string())?;
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
    let matmul = crate::train::matmul_gflops(128, 784, 512, &|| clock.elapsed().as_secs_f64() * 1e3).map_err(|e| e.to_string())?;
    println!("matmul 128×784·784×512: {matmul:.1} GFLOP/s");
    let gemm = std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "all".into());
    let threads = trainer.threads();
    let profile = serde_json::to_string(&profile).map_err(|e| e.to_string())?;
    println!("{{\"samplesPerSec\":[{}],\"threads\":{threads},\"gemmThreads\":\"{gemm}\",\"matmulGflops\":{matmul:.2},\"profile\":{profile}}}", rates.iter().map(|r| format!("{r:.1}")).collect::<Vec<_>>().join(","));
    Ok(())
}

/// "where a step goes: batch 2 %, forward 30 %, …" for a profile of training steps.
fn profile_line(p: &crate::train::StepProfile) -> String {
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

fn progress_bar(epoch: usize, done: u32, total: u32, loss: f64) {
    const WIDTH: u32 = 30;
    let filled = (done * WIDTH / total.max(1)) as usize;
    eprint!("\repoch {epoch:>3} [{}{}] {done}/{total} loss {loss:.2}", "#".repeat(filled), "-".repeat(WIDTH as usize - filled));
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
        _ => decode(&a),
    });
    if let Err(msg) = result {
        eprintln!("{msg}");
        std::process::exit(2);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn augment_flag_reads_shift_and_flip() {
        assert_eq!(parse_augment("none").unwrap(), Augment::default());
        assert_eq!(parse_augment("flip").unwrap(), Augment { shift: 0, flip: true });
        assert_eq!(parse_augment("shift=2, flip").unwrap(), Augment { shift: 2, flip: true });
        for bad in ["shift", "shift=-1", "shift=9", "mirror"] {
            assert!(parse_augment(bad).unwrap_err().contains("--augment"), "{bad}");
        }
        let a = parse_args(["classifier", "--augment", "shift=1"].map(String::from).into_iter()).unwrap();
        assert_eq!(a.augment, Augment { shift: 1, flip: false });
    }
}
