//! Native command line: trains and evaluates with exactly the code the page runs.
//!
//!   vae-lab train [--data DIR] [--model vae|cvae] [--latent N] [--hidden N] [--beta B]
//!                 [--lr R] [--batch N] [--epochs N] [--seed N]

use std::io::Write;
use std::time::Instant;

use vae_lab::{Config, Dataset, Trainer};

const USAGE: &str = "usage: vae-lab train [--data DIR] [--model vae|cvae] [--latent N] [--hidden N] \
[--beta B] [--lr R] [--batch N] [--epochs N] [--seed N]
  --data DIR   folder with images-idx3-ubyte(.gz) and labels-idx1-ubyte(.gz) (default data/mnist)
  defaults: the page's (CVAE, latent 8, hidden 400, β 1, lr 0.001, batch 64, seed 1), 5 epochs";

struct Args {
    data: String,
    epochs: usize,
    config: Config,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    match args.next().as_deref() {
        Some("train") => {}
        Some("-h" | "--help") | None => return Err(USAGE.into()),
        Some(other) => return Err(format!("unknown command '{other}'\n{USAGE}")),
    }
    let mut out = Args { data: "data/mnist".into(), epochs: 5, config: Config::default() };
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let num = |what: &str| format!("{flag}: '{value}' is not {what}");
        let c = &mut out.config;
        match flag.as_str() {
            "--data" => out.data = value,
            "--model" => c.model = value.parse()?,
            "--latent" => c.latent = value.parse().map_err(|_| num("a whole number"))?,
            "--hidden" => c.hidden = value.parse().map_err(|_| num("a whole number"))?,
            "--beta" => c.beta = value.parse().map_err(|_| num("a number"))?,
            "--lr" => c.learning_rate = value.parse().map_err(|_| num("a number"))?,
            "--batch" => c.batch = value.parse().map_err(|_| num("a whole number"))?,
            "--seed" => c.seed = value.parse().map_err(|_| num("a whole number"))?,
            "--epochs" => out.epochs = value.parse().map_err(|_| num("a whole number"))?,
            _ => return Err(format!("unknown option '{flag}'\n{USAGE}")),
        }
    }
    out.config.validate()?;
    Ok(out)
}

/// Reads `<dir>/<stem>.gz`, or `<dir>/<stem>` when there is no compressed copy.
fn read_idx(dir: &str, stem: &str) -> Result<Vec<u8>, String> {
    let gz = format!("{dir}/{stem}.gz");
    std::fs::read(&gz)
        .or_else(|_| std::fs::read(format!("{dir}/{stem}")))
        .map_err(|e| format!("{gz}: {e} (run scripts/setup.sh to prepare the data)"))
}

fn run(args: Args) -> Result<(), String> {
    let data = Dataset::from_idx(&read_idx(&args.data, "images-idx3-ubyte")?, &read_idx(&args.data, "labels-idx1-ubyte")?)
        .map_err(|e| e.to_string())?;
    let (train, test) = data.split_stratified(10);
    println!("data: {} train, {} test images of {}x{} from {}", train.len(), test.len(), train.rows, train.cols, args.data);
    let cfg = args.config;
    println!("model: {:?} latent {} hidden {} β {} lr {} batch {} seed {}",
        cfg.model, cfg.latent, cfg.hidden, cfg.beta, cfg.learning_rate, cfg.batch, cfg.seed);
    let steps_per_epoch = (train.len() / cfg.batch.min(train.len())) as u32;
    let mut trainer = Trainer::new(cfg.clone(), train, test).map_err(|e| e.to_string())?;
    for epoch in 1..=args.epochs {
        let start = Instant::now();
        let (mut recon, mut kl, mut loss) = (0.0, 0.0, 0.0);
        for done in 1..=steps_per_epoch {
            let p = trainer.train_steps(1).map_err(|e| e.to_string())?;
            (recon, kl, loss) = (recon + p.recon, kl + p.kl, loss + p.loss);
            if done % 10 == 0 || done == steps_per_epoch {
                progress_bar(epoch, done, steps_per_epoch, loss / done as f64);
            }
        }
        let secs = start.elapsed().as_secs_f64();
        let n = steps_per_epoch as f64;
        let eval = trainer.evaluate().map_err(|e| e.to_string())?;
        eprint!("\r\x1b[2K");
        println!(
            "epoch {epoch:>3}  train: loss {:.2} (recon {:.2}, KL {:.2})  test: −ELBO {:.2} (recon {:.2} + KL {:.2})  {:.0} samples/s",
            loss / n, recon / n, kl / n, eval.neg_elbo, eval.recon, eval.kl,
            n * cfg.batch as f64 / secs
        );
    }
    Ok(())
}

fn progress_bar(epoch: usize, done: u32, total: u32, loss: f64) {
    const WIDTH: u32 = 30;
    let filled = (done * WIDTH / total.max(1)) as usize;
    eprint!("\repoch {epoch:>3} [{}{}] {done}/{total} loss {loss:.2}", "#".repeat(filled), "-".repeat(WIDTH as usize - filled));
    let _ = std::io::stderr().flush();
}

fn main() {
    let result = parse_args(std::env::args().skip(1)).and_then(run);
    if let Err(msg) = result {
        eprintln!("{msg}");
        std::process::exit(2);
    }
}
