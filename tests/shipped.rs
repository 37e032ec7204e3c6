//! The shipped models the page picks from (`vae_lab::shipped::ALL`, told to it as `FACTS.shipped`)
//! are the files in `models/`: each listed file is there and is what its row says (data set, kind,
//! every size), a trained one has its loss curve ending at its step, and no model file is there
//! that the list leaves out (the page could never show it).

#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;

use vae_lab::files::checkpoint;
use vae_lab::shipped;

fn models() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/models"))
}

#[test]
fn every_listed_model_is_in_models_with_the_listed_data_set_kind_and_sizes() {
    for s in shipped::ALL {
        let path = models().join(format!("{}.safetensors", s.file));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let meta = checkpoint::describe(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(meta.dataset, s.dataset, "{}", s.file);
        assert_eq!(meta.config.model, s.model, "{}", s.file);
        let sizes = s.sizes();
        let c = &meta.config;
        assert_eq!((c.latent, c.hidden, c.layers, c.means_spread), (sizes.latent, sizes.hidden, sizes.layers, sizes.means_spread), "{}", s.file);
        if s.model.facts().trainable {
            // The page's chart starts with this curve only when it ends at the model's step.
            let history = models().join(format!("{}.history.json", s.file));
            let text = std::fs::read_to_string(&history).unwrap_or_else(|e| panic!("{}: {e}", history.display()));
            let h: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", history.display()));
            let last = h["step"].as_array().and_then(|a| a.last()).and_then(serde_json::Value::as_u64);
            assert_eq!(last, Some(meta.step), "{}: the curve's last step", history.display());
        }
    }
}

#[test]
fn no_model_file_is_left_out_of_the_list() {
    let mut unlisted = Vec::new();
    for entry in std::fs::read_dir(models()).expect("models/") {
        let name = entry.expect("models/ entry").file_name().to_string_lossy().into_owned();
        let Some(file) = name.strip_suffix(".safetensors") else { continue };
        // The classifiers judge samples; they are no model to show.
        if file.ends_with("-classifier") {
            continue;
        }
        if !shipped::ALL.iter().any(|s| s.file == file) {
            unlisted.push(name);
        }
    }
    assert!(unlisted.is_empty(), "in models/ but not in src/shipped.rs: {unlisted:?}");
}

#[test]
fn one_model_per_data_set_kind_and_sizes() {
    for (i, a) in shipped::ALL.iter().enumerate() {
        for b in &shipped::ALL[i + 1..] {
            assert!(a.file != b.file, "{} listed twice", a.file);
            assert!(!(a.dataset == b.dataset && a.model == b.model && a.sizes() == b.sizes()), "{} and {} have the same data set, kind and sizes", a.file, b.file);
        }
    }
}
