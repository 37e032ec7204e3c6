//! Writes small valid inputs for the fuzz targets (fuzz/corpus/{idx,checkpoint}/), so the fuzzer
//! starts from real files and mutates them rather than searching for a first valid header.
//! Run by scripts/fuzz.sh.

use std::fs;

use vae_lab::files::checkpoint::Precision;
use vae_lab::data::idx;
use vae_lab::{Config, Dataset, ModelKind, Trainer};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (rows, cols, n) = (6, 6, 40);
    let labels: Vec<u8> = (0..n).map(|i| (i % 4) as u8).collect();
    let images: Vec<u8> = labels.iter().flat_map(|&y| (0..rows * cols).map(move |p| if p % cols == y as usize { 255 } else { 0 })).collect();
    let image_file = idx::encode(&[n, rows, cols], &images);
    let label_file = idx::encode(&[n], &labels);

    fs::create_dir_all("fuzz/corpus/idx")?;
    // The target splits at byte 0's share of the rest: put the cut where the labels begin.
    let cut = ((image_file.len() * 255).div_ceil(image_file.len() + label_file.len())) as u8;
    let mut joined = vec![cut];
    joined.extend(&image_file);
    joined.extend(&label_file);
    fs::write("fuzz/corpus/idx/raw", &joined)?;
    // The same pair gzipped (as the data sets ship), cut after the gzipped images.
    let gz = |bytes: &[u8]| -> std::io::Result<Vec<u8>> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut e, bytes)?;
        e.finish()
    };
    let (gz_images, gz_labels) = (gz(&image_file)?, gz(&label_file)?);
    let mut joined = vec![((gz_images.len() * 255).div_ceil(gz_images.len() + gz_labels.len())) as u8];
    joined.extend(&gz_images);
    joined.extend(&gz_labels);
    fs::write("fuzz/corpus/idx/gzip", &joined)?;

    let data = Dataset { rows, cols, images, labels };
    let (train, test) = data.split_stratified(10);
    fs::create_dir_all("fuzz/corpus/checkpoint")?;
    for model in [ModelKind::Vae, ModelKind::Cvae] {
        let cfg = Config { model, latent: 2, hidden: 4, batch: 8, ..Config::default() };
        let mut t = Trainer::new(cfg, train.clone(), test.clone())?.named("seed");
        t.train_steps(3)?;
        for (precision, tag) in [(Precision::F32, "f32"), (Precision::F16, "f16")] {
            fs::write(format!("fuzz/corpus/checkpoint/{model:?}-{tag}"), t.checkpoint(precision)?)?;
        }
    }
    println!("seeds written to fuzz/corpus/");
    Ok(())
}
