//! Checkpoints round-trip exactly, and every kind of bad file is refused with a message while
//! the model in memory stays as it was.

use std::collections::HashMap;

use candle_core::{DType, Device, Tensor};
use vae_lab::files::checkpoint::{self, Precision, FORMAT};
use vae_lab::data::Dataset;
use vae_lab::files::tensor_bytes;
use vae_lab::{Config, ModelKind, Trainer};
use vae_lab::evaluation::codes;
use vae_lab::models::model::flat_class_means;

/// A small synthetic data set (bars at a class-dependent position), enough to train on.
fn data(classes: u8) -> (Dataset, Dataset) {
    let (rows, cols, n) = (6, 6, 120);
    let labels: Vec<u8> = (0..n).map(|i| (i % classes as usize) as u8).collect();
    let images = labels.iter().flat_map(|&y| (0..rows * cols).map(move |p| if p % cols == y as usize % cols { 255 } else { 0 })).collect();
    Dataset { rows, cols, images, labels }.split_stratified(10)
}

fn trainer(model: ModelKind, seed: u64) -> Trainer {
    let (train, test) = data(3);
    let cfg = Config { model, latent: 3, hidden: 16, batch: 8, seed, ..Config::default() };
    Trainer::new(cfg, train, test).unwrap().named("bars")
}

const Z: [f32; 3] = [0.5, -1.0, 2.0];

#[test]
fn f32_round_trip_is_exact_and_keeps_the_description() {
    for kind in [ModelKind::Vae, ModelKind::Cvae, ModelKind::Sohn, ModelKind::Ae] {
        let mut a = trainer(kind, 1);
        a.train_steps(25).unwrap();
        let bytes = a.checkpoint(Precision::F32).unwrap();
        let mut b = trainer(kind, 2);
        let loaded = b.load_checkpoint(&bytes).unwrap();
        let meta = &loaded.meta;
        assert_eq!((meta.step, meta.dataset.as_str(), meta.classes, meta.config.model), (25, "bars", 3, kind));
        assert!(loaded.resumed, "an f32 checkpoint carries the training state");
        assert_eq!(codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), codes::decode(a.model().autoencoder().unwrap(), &Z, Some(1)).unwrap());
        assert_eq!(flat_class_means(b.model().autoencoder().unwrap()).unwrap(), flat_class_means(a.model().autoencoder().unwrap()).unwrap());
        assert_eq!(b.step(), 25);
        // Training resumes exactly: same moments, same noise, same batches as never stopping.
        a.train_steps(20).unwrap();
        b.train_steps(20).unwrap();
        assert_eq!(b.step(), 45);
        assert_eq!(codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), codes::decode(a.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), "{kind:?}: resumed training drifted");
    }
}

#[test]
fn without_the_training_state_training_goes_on_but_not_exactly() {
    let mut a = trainer(ModelKind::Cvae, 1);
    a.train_steps(25).unwrap();
    let model_only = forge(&a.checkpoint(Precision::F32).unwrap(), |t, i| {
        i.remove("vae_lab_training");
        t.retain(|name, _| !name.starts_with("optimizer.") && !name.starts_with("training."));
    });
    let mut b = trainer(ModelKind::Cvae, 2);
    let loaded = b.load_checkpoint(&model_only).unwrap();
    assert!(!loaded.resumed);
    assert_eq!(codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), codes::decode(a.model().autoencoder().unwrap(), &Z, Some(1)).unwrap());
    a.train_steps(5).unwrap();
    b.train_steps(5).unwrap();
    assert_eq!(b.step(), 30);
    assert_ne!(codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), codes::decode(a.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), "fresh Adam moments should give other weights");
}

#[test]
fn deeper_models_round_trip_and_older_files_read_as_one_layer() {
    // `trainer` builds the default two hidden layers a side.
    let mut a = trainer(ModelKind::Cvae, 1);
    a.train_steps(5).unwrap();
    let mut b = trainer(ModelKind::Cvae, 2);
    let loaded = b.load_checkpoint(&a.checkpoint(Precision::F32).unwrap()).unwrap();
    assert_eq!(loaded.meta.config.layers, 2);
    assert_eq!(codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), codes::decode(a.model().autoencoder().unwrap(), &Z, Some(1)).unwrap());

    // Files written before the setting existed have one layer and no `layers` in their metadata.
    let (train, test) = data(3);
    let cfg = Config { latent: 3, hidden: 16, layers: 1, batch: 8, ..Config::default() };
    let one = Trainer::new(cfg, train, test).unwrap().named("bars");
    let old = forge(&one.checkpoint(Precision::F32).unwrap(), |_, i| edit_meta(i, "\"layers\":1,", ""));
    assert_eq!(b.load_checkpoint(&old).unwrap().meta.config.layers, 1);
    assert_eq!(codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), codes::decode(one.model().autoencoder().unwrap(), &Z, Some(1)).unwrap());
}

#[test]
fn f16_round_trip_is_close_and_half_the_size() {
    let mut a = trainer(ModelKind::Cvae, 1);
    a.train_steps(10).unwrap();
    let full = a.checkpoint(Precision::F32).unwrap();
    let half = a.checkpoint(Precision::F16).unwrap();
    assert!(half.len() * 10 < full.len() * 6, "{} vs {}", half.len(), full.len());
    let mut b = trainer(ModelKind::Cvae, 2);
    b.load_checkpoint(&half).unwrap();
    for (x, y) in codes::decode(b.model().autoencoder().unwrap(), &Z, Some(1)).unwrap().iter().zip(codes::decode(a.model().autoencoder().unwrap(), &Z, Some(1)).unwrap()) {
        assert!((x - y).abs() < 2e-3, "{x} vs {y}");
    }
}

/// Re-serialises a checkpoint's tensors with edits to tensors and metadata.
fn forge(bytes: &[u8], edit: impl FnOnce(&mut HashMap<String, Tensor>, &mut HashMap<String, String>)) -> Vec<u8> {
    let st = safetensors::SafeTensors::deserialize(bytes).unwrap();
    let (_, header) = safetensors::SafeTensors::read_metadata(bytes).unwrap();
    let mut info = header.metadata().clone().unwrap();
    let mut tensors: HashMap<String, Tensor> = candle_core::safetensors::load_buffer(bytes, &Device::Cpu).unwrap();
    assert_eq!(tensors.len(), st.len());
    edit(&mut tensors, &mut info);
    safetensors::serialize(tensors, Some(info)).unwrap()
}

fn edit_meta(info: &mut HashMap<String, String>, from: &str, to: &str) {
    let m = info.get_mut("vae_lab").unwrap();
    assert!(m.contains(from), "{m}");
    *m = m.replace(from, to);
}

#[test]
fn bad_checkpoints_are_refused_and_the_model_stays_intact() {
    let mut good = trainer(ModelKind::Cvae, 1);
    good.train_steps(10).unwrap();
    let bytes = good.checkpoint(Precision::F32).unwrap();

    let mut cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty file", vec![], "not a safetensors file"),
        ("random bytes", (0..500u32).map(|i| (i * 7919 % 251) as u8).collect(), "not a safetensors file"),
        ("truncated", bytes[..bytes.len() - 100].to_vec(), "checkpoint"),
        ("header cut", bytes[..20].to_vec(), "not a safetensors file"),
    ];
    let plain = safetensors::serialize(vec![("w", Tensor::zeros(3, DType::F32, &Device::Cpu).unwrap())], None).unwrap();
    cases.push(("foreign safetensors", plain, "not a VAE Lab checkpoint"));
    cases.push(("newer format", forge(&bytes, |_, i| { i.insert("format".into(), "vae-lab/99".into()); }), "format 'vae-lab/99'"));
    cases.push(("no description", forge(&bytes, |_, i| { i.remove("vae_lab"); }), "lacks the model description"));
    cases.push(("garbled description", forge(&bytes, |_, i| { i.insert("vae_lab".into(), "{not json".into()); }), "unreadable"));
    cases.push(("other latent size", forge(&bytes, |_, i| edit_meta(i, "\"latent\":3", "\"latent\":4")), "shape"));
    cases.push(("absurd latent", forge(&bytes, |_, i| edit_meta(i, "\"latent\":3", "\"latent\":1000000")), "latent"));
    cases.push(("absurd depth", forge(&bytes, |_, i| edit_meta(i, "\"layers\":2", "\"layers\":99")), "layers"));
    cases.push(("deeper description", forge(&bytes, |_, i| edit_meta(i, "\"layers\":2", "\"layers\":3")), "tensors"));
    cases.push(("VAE description, CVAE weights", forge(&bytes, |_, i| edit_meta(i, "\"cvae\"", "\"vae\"")), "tensors"));
    cases.push(("other image size", forge(&bytes, |_, i| edit_meta(i, "\"rows\":6", "\"rows\":7")), "shape"));
    cases.push(("missing tensor", forge(&bytes, |t, _| { t.remove("decoder.out.bias"); }), "tensors"));
    cases.push(("renamed tensor", forge(&bytes, |t, _| { let v = t.remove("decoder.out.bias").unwrap(); t.insert("decoder.out.b".into(), v); }), "'decoder.out.bias' is missing"));
    cases.push(("integer weights", forge(&bytes, |t, _| { let v = t["encoder.mu.bias"].to_dtype(DType::I64).unwrap(); t.insert("encoder.mu.bias".into(), v); }), "only F32 and F16"));
    cases.push(("NaN weight", forge(&bytes, |t, _| { let v = (t["encoder.mu.bias"].clone() * f64::NAN).unwrap(); t.insert("encoder.mu.bias".into(), v); }), "NaN or infinite"));
    cases.push(("more classes in the data", forge(&bytes, |t, i| {
        edit_meta(i, "\"classes\":3", "\"classes\":2");
        for name in ["class_means", "optimizer.m.class_means", "optimizer.v.class_means"] {
            let v = t[name].narrow(0, 0, 2).unwrap();
            t.insert(name.into(), v);
        }
    }), "knows 2 classes"));

    // The training state beside the weights is checked as strictly.
    cases.push(("garbled training state", forge(&bytes, |_, i| { i.insert("vae_lab_training".into(), "{\"adamSteps\":".into()); }), "training state unreadable"));
    cases.push(("training state without its tensors", forge(&bytes, |t, _| t.retain(|n, _| !n.starts_with("optimizer."))), "moment pair"));
    cases.push(("moment of the wrong shape", forge(&bytes, |t, _| { t.insert("optimizer.m.encoder.mu.bias".into(), Tensor::zeros(7, DType::F32, &Device::Cpu).unwrap()); }), "'optimizer.m.encoder.mu.bias' has shape"));
    cases.push(("NaN moment", forge(&bytes, |t, _| { let v = (t["optimizer.m.decoder.out.bias"].clone() * f64::NAN).unwrap(); t.insert("optimizer.m.decoder.out.bias".into(), v); }), "NaN or infinite"));
    cases.push(("negative second moment", forge(&bytes, |t, _| { let v = (t["optimizer.v.decoder.out.bias"].clone() - 1.0).unwrap(); t.insert("optimizer.v.decoder.out.bias".into(), v); }), "is negative"));
    cases.push(("order not a permutation", forge(&bytes, |t, _| { let n = t["training.order"].dim(0).unwrap(); t.insert("training.order".into(), Tensor::zeros(n, DType::U32, &Device::Cpu).unwrap()); }), "not a permutation"));
    cases.push(("position past the epoch", forge(&bytes, |_, i| { let m = i.get_mut("vae_lab_training").unwrap(); let at = m.find("\"cursor\":").unwrap(); let end = at + m[at..].find(',').unwrap(); m.replace_range(at..end, "\"cursor\":99999"); }), "past the"));

    let before = codes::decode(good.model().autoencoder().unwrap(), &Z, Some(1)).unwrap();
    for (what, bad, expected) in cases {
        let err = good.load_checkpoint(&bad).err().unwrap_or_else(|| panic!("{what}: accepted")).to_string();
        assert!(err.contains(expected), "{what}: message '{err}' lacks '{expected}'");
        assert!(err.starts_with("checkpoint"), "{what}: '{err}'");
        assert_eq!(codes::decode(good.model().autoencoder().unwrap(), &Z, Some(1)).unwrap(), before, "{what}: the model changed");
        assert_eq!(good.step(), 10, "{what}: the step count changed");
    }
    assert!(checkpoint::decode(&bytes).is_ok());
    assert_eq!(FORMAT, "vae-lab/1");
}

#[test]
fn a_standard_cvae_checkpoint_with_another_label_count_is_refused_and_the_model_kept() {
    let mut good = trainer(ModelKind::Sohn, 1);
    good.train_steps(10).unwrap();
    let bytes = good.checkpoint(Precision::F32).unwrap();
    let before = codes::decode(good.model().autoencoder().unwrap(), &Z, Some(2)).unwrap();
    // The label's one-hot is part of the first layers' inputs: a file whose description names
    // another class count no longer fits its own weights.
    let cases = [
        ("four labels described, three in the weights", forge(&bytes, |_, i| edit_meta(i, "\"classes\":3", "\"classes\":4")), "shape"),
        ("described as the seeds' CVAE", forge(&bytes, |_, i| edit_meta(i, "\"sohn\"", "\"cvae\"")), "checkpoint"),
        ("described as a VAE", forge(&bytes, |_, i| edit_meta(i, "\"sohn\"", "\"vae\"")), "shape"),
        ("decoder without the label's columns", forge(&bytes, |t, _| {
            let w = t["decoder.hidden.weight"].narrow(1, 0, 3).unwrap();
            t.insert("decoder.hidden.weight".into(), w);
        }), "'decoder.hidden.weight' has shape"),
    ];
    for (what, bad, expected) in cases {
        let err = good.load_checkpoint(&bad).err().unwrap_or_else(|| panic!("{what}: accepted")).to_string();
        assert!(err.contains(expected), "{what}: message '{err}' lacks '{expected}'");
        assert_eq!(codes::decode(good.model().autoencoder().unwrap(), &Z, Some(2)).unwrap(), before, "{what}: the model changed");
        assert_eq!(good.config().model, ModelKind::Sohn);
    }
    // Fewer classes than the data has: refused, nothing replaced.
    let (train, test) = data(2);
    let small = Trainer::new(Config { model: ModelKind::Sohn, latent: 3, hidden: 16, batch: 8, ..Config::default() }, train, test).unwrap();
    let err = good.load_checkpoint(&small.checkpoint(Precision::F32).unwrap()).err().unwrap().to_string();
    assert!(err.contains("knows 2 classes"), "{err}");
    assert_eq!(codes::decode(good.model().autoencoder().unwrap(), &Z, Some(2)).unwrap(), before);
    // Its decoder needs a class, and the class changes the image.
    assert!(codes::decode(good.model().autoencoder().unwrap(), &Z, None).unwrap_err().to_string().contains("choose one"));
    assert_ne!(codes::decode(good.model().autoencoder().unwrap(), &Z, Some(0)).unwrap(), before);
}

#[test]
fn an_autoencoder_checkpoint_described_as_a_vae_is_refused_and_the_model_kept() {
    let mut ae = trainer(ModelKind::Ae, 1);
    ae.train_steps(10).unwrap();
    let bytes = ae.checkpoint(Precision::F32).unwrap();
    let as_vae = forge(&bytes, |_, i| edit_meta(i, "\"ae\"", "\"vae\""));
    let mut vae = trainer(ModelKind::Vae, 2);
    vae.train_steps(3).unwrap();
    let before = codes::decode(vae.model().autoencoder().unwrap(), &Z, None).unwrap();
    let err = vae.load_checkpoint(&as_vae).err().unwrap().to_string();
    assert!(err.starts_with("checkpoint") && err.contains("encoder.logvar"), "{err}");
    assert_eq!(codes::decode(vae.model().autoencoder().unwrap(), &Z, None).unwrap(), before);
    assert_eq!((vae.config().model, vae.step()), (ModelKind::Vae, 3));
    // Loaded as what it is, it replaces the VAE.
    vae.load_checkpoint(&bytes).unwrap();
    assert_eq!(vae.config().model, ModelKind::Ae);
    assert_eq!(codes::decode(vae.model().autoencoder().unwrap(), &Z, None).unwrap(), codes::decode(ae.model().autoencoder().unwrap(), &Z, None).unwrap());
}

#[test]
fn describing_reads_the_header_alone_and_loading_checks_the_rest() {
    let mut a = trainer(ModelKind::Cvae, 1);
    a.train_steps(5).unwrap();
    let bytes = a.checkpoint(Precision::F32).unwrap();
    assert_eq!(checkpoint::describe(&bytes).unwrap(), checkpoint::decode(&bytes).unwrap().meta);
    // A bad header is refused by both, with the same message.
    let garbled = forge(&bytes, |_, i| { i.insert("vae_lab".into(), "{not json".into()); });
    let (d, l) = (checkpoint::describe(&garbled).err().unwrap().to_string(), checkpoint::decode(&garbled).err().unwrap().to_string());
    assert!(d.contains("unreadable") && d == l, "'{d}' / '{l}'");
    assert!(checkpoint::describe(&[]).is_err());
    // Damaged weights pass the description (it does not read them) but never a load.
    let nan = forge(&bytes, |t, _| { let v = (t["encoder.mu.bias"].clone() * f64::NAN).unwrap(); t.insert("encoder.mu.bias".into(), v); });
    assert_eq!(checkpoint::describe(&nan).unwrap().step, 5);
    assert!(checkpoint::decode(&nan).err().unwrap().to_string().contains("NaN or infinite"));
}

#[test]
fn tensor_bytes_are_read_exactly_for_every_f16_pattern_and_f32() {
    // Against Candle's own conversion (the `half` crate), all 65,536 f16 patterns (normal,
    // subnormal, zeros of both signs, infinities, NaNs) and three more so that the vector loop's
    // tail is taken too.
    let patterns: Vec<u16> = (0..=u16::MAX).chain([0x3c00, 0x8001, 0x7bff]).collect();
    let bytes: Vec<u8> = patterns.iter().flat_map(|b| b.to_le_bytes()).collect();
    let reference = Tensor::from_raw_buffer(&bytes, DType::F16, &[patterns.len()], &Device::Cpu).unwrap().to_dtype(DType::F32).unwrap().to_vec1::<f32>().unwrap();
    let same = |a: f32, b: f32| a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan());
    for ((&bits, got), want) in patterns.iter().zip(tensor_bytes::f16s(&bytes)).zip(reference) {
        assert!(same(got, want) && same(tensor_bytes::f16_bits_to_f32(bits), want), "f16 {bits:#06x}: {got:e}, want {want:e}");
    }
    let values: Vec<f32> = (0..1003).map(|i| (i as f32 - 500.0) * 1.37e-3).chain([f32::MIN_POSITIVE / 3.0, -0.0]).collect();
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&tensor_bytes::f32s(&bytes)), bits(&values));
}

#[test]
fn a_checkpoint_says_who_saved_it_and_files_without_that_or_with_new_keys_still_load() {
    let mut a = trainer(ModelKind::Cvae, 1);
    a.train_steps(5).unwrap();
    let bytes = a.checkpoint(Precision::F32).unwrap();
    assert_eq!(checkpoint::describe(&bytes).unwrap().trainer.as_deref(), Some(checkpoint::TRAINER));
    // Another program's name (PyTorch's, python/vae_lab_torch), and a key of the description this
    // version does not know: both load, and the name is reported.
    let other = forge(&bytes, |_, i| edit_meta(i, checkpoint::TRAINER, "pytorch 2.15.0 vae_lab_torch 0.1.0\",\"someNewKey\":\"x"));
    let mut b = trainer(ModelKind::Cvae, 2);
    assert_eq!(b.load_checkpoint(&other).unwrap().meta.trainer.as_deref(), Some("pytorch 2.15.0 vae_lab_torch 0.1.0"));
    // Files from before the field: no trainer, loaded as before.
    let old = forge(&bytes, |_, i| edit_meta(i, &format!(",\"trainer\":\"{}\"", checkpoint::TRAINER), ""));
    assert_eq!(b.load_checkpoint(&old).unwrap().meta.trainer, None);
    assert_eq!(b.step(), 5);
    // An unknown setting in the configuration is still refused, with its name.
    let unknown = forge(&bytes, |_, i| edit_meta(i, "\"warmup\":0", "\"warmup\":0,\"wings\":2"));
    assert!(b.load_checkpoint(&unknown).unwrap_err().to_string().contains("unknown field `wings`"));
}
