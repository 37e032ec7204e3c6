//! The wasm surface in a real browser (wasm-pack test --headless --chrome --release), on the
//! real MNIST digits the set-up prepares, embedded into the test module.
#![cfg(target_arch = "wasm32")]

use serde::Deserialize;
use vae_lab::wasm::Lab;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static IMAGES: &[u8] = include_bytes!("../data/mnist/images-idx3-ubyte.gz");
static LABELS: &[u8] = include_bytes!("../data/mnist/labels-idx1-ubyte.gz");

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Progress {
    step: f64,
    loss: f64,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Evaluation {
    neg_elbo: f64,
}

fn config(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn lab(json: &str) -> Lab {
    Lab::new(config(json), "mnist", IMAGES, LABELS, None, None).map_err(JsValue::from).unwrap()
}

fn error_text(e: wasm_bindgen::JsError) -> String {
    let v = JsValue::from(e);
    js_sys::Reflect::get(&v, &"message".into()).unwrap().as_string().unwrap()
}

#[wasm_bindgen_test]
fn builds_trains_and_the_loss_falls() {
    let mut lab = lab(r#"{"model":"vae","seed":4}"#);
    assert_eq!((lab.train_size(), lab.test_size(), lab.latent()), (9003, 997, 8));
    let before: Evaluation = serde_wasm_bindgen::from_value(lab.evaluate().map_err(JsValue::from).unwrap()).unwrap();
    let first: Progress = serde_wasm_bindgen::from_value(lab.train(10).map_err(JsValue::from).unwrap()).unwrap();
    lab.train(140).map_err(JsValue::from).unwrap();
    let last: Progress = serde_wasm_bindgen::from_value(lab.train(10).map_err(JsValue::from).unwrap()).unwrap();
    let after: Evaluation = serde_wasm_bindgen::from_value(lab.evaluate().map_err(JsValue::from).unwrap()).unwrap();
    assert_eq!(last.step, 160.0);
    assert!(last.loss < 0.6 * first.loss, "train loss {} -> {}", first.loss, last.loss);
    assert!(after.neg_elbo < 0.5 * before.neg_elbo, "test -ELBO {} -> {}", before.neg_elbo, after.neg_elbo);
}

#[wasm_bindgen_test]
fn decode_gives_784_intensities_in_unit_range() {
    let mut lab = lab(r#"{"latent":4}"#);
    lab.train(5).map_err(JsValue::from).unwrap();
    for z in [[0.0f32; 4], [3.0, -3.0, 1.5, -0.5]] {
        let px = lab.decode(&z, None).map_err(JsValue::from).unwrap();
        assert_eq!(px.len(), 784);
        assert!(px.iter().all(|p| (0.0..=1.0).contains(p)));
    }
    // A wrong-sized z is refused with a message; the model still decodes afterwards.
    let err = error_text(lab.decode(&[0.0; 3], None).unwrap_err());
    assert!(err.contains("4 numbers"), "{err}");
    let err = error_text(lab.decode(&[0.0, f32::NAN, 0.0, 0.0], None).unwrap_err());
    assert!(err.contains("finite"), "{err}");
    assert_eq!(lab.decode(&[0.0; 4], None).map_err(JsValue::from).unwrap().len(), 784);
}

#[wasm_bindgen_test]
fn class_means_have_the_right_shape_and_learn() {
    let mut lab = lab(r#"{"model":"cvae","latent":6,"seed":2}"#);
    let before = lab.class_means().map_err(JsValue::from).unwrap();
    assert_eq!(before.len(), 10 * 6);
    lab.train(40).map_err(JsValue::from).unwrap();
    let after = lab.class_means().map_err(JsValue::from).unwrap();
    let moved: f32 = before.iter().zip(&after).map(|(a, b)| (a - b).abs()).sum();
    assert!(moved > 0.1, "μ^Y barely moved: {moved}");

    let vae = lab_vae();
    assert!(vae.class_means().map_err(JsValue::from).unwrap().is_empty());
}

fn lab_vae() -> Lab {
    lab(r#"{"model":"vae","latent":6}"#)
}

#[wasm_bindgen_test]
fn class_samples_have_codes_and_images() {
    let mut lab = lab(r#"{"model":"cvae","latent":5}"#);
    for sampler in ["prior", "fitted"] {
        let out = lab.sample(Some(3), 6, sampler, 0.7, false).map_err(JsValue::from).unwrap();
        let get = |k: &str| js_sys::Float32Array::from(js_sys::Reflect::get(&out, &k.into()).unwrap()).to_vec();
        assert_eq!((get("z").len(), get("images").len()), (30, 6 * 784));
        let labels = js_sys::Uint32Array::from(js_sys::Reflect::get(&out, &"labels".into()).unwrap()).to_vec();
        assert_eq!(labels, vec![3; 6]);
        let what = js_sys::Reflect::get(&out, &"distribution".into()).unwrap().as_string().unwrap();
        assert!(what.contains("0.7^2"), "{sampler}: {what}");
    }
    let err = error_text(lab.sample(Some(10), 1, "prior", 1.0, false).unwrap_err());
    assert!(err.contains("class 10 does not exist"), "{err}");
    let err = error_text(lab.sample(Some(1), 1, "prior", 1.5, false).unwrap_err());
    assert!(err.contains("tau = 1.5 is out of range"), "{err}");
    let err = error_text(lab.sample(Some(1), 1, "posterior", 1.0, false).unwrap_err());
    assert!(err.contains("unknown sampler"), "{err}");
}

#[wasm_bindgen_test]
fn the_standard_cvae_decodes_for_a_class() {
    let mut lab = lab(r#"{"model":"sohn","latent":3,"seed":2}"#);
    lab.train(30).map_err(JsValue::from).unwrap();
    let z = [0.1f32, -0.4, 0.9];
    let (a, b) = (lab.decode(&z, Some(1)).map_err(JsValue::from).unwrap(), lab.decode(&z, Some(7)).map_err(JsValue::from).unwrap());
    assert_eq!(a.len(), 784);
    assert_ne!(a, b, "the class must reach the decoder");
    let err = error_text(lab.decode(&z, None).unwrap_err());
    assert!(err.contains("choose one"), "{err}");
    // Without a class, Sample draws classes by their frequency in the training set.
    let out = lab.sample(None, 200, "prior", 1.0, false).map_err(JsValue::from).unwrap();
    let labels = js_sys::Uint32Array::from(js_sys::Reflect::get(&out, &"labels".into()).unwrap()).to_vec();
    assert_eq!(labels.len(), 200);
    assert!(labels.iter().all(|&y| y < 10) && (0..10).filter(|y| labels.contains(y)).count() >= 8, "{labels:?}");
}

#[wasm_bindgen_test]
fn checkpoints_round_trip_and_a_bad_one_changes_nothing() {
    let mut a = lab(r#"{"model":"cvae","latent":4,"seed":5}"#);
    a.train(20).map_err(JsValue::from).unwrap();
    let bytes = a.save_checkpoint().map_err(JsValue::from).unwrap();
    let mut b = lab(r#"{"model":"vae","latent":7,"seed":6}"#);
    b.load_checkpoint(&bytes).map_err(JsValue::from).unwrap();
    assert_eq!((b.latent(), b.step()), (4, 20.0));
    let z = [0.3f32, -0.2, 1.0, 0.0];
    assert_eq!(b.decode(&z, None).map_err(JsValue::from).unwrap(), a.decode(&z, None).map_err(JsValue::from).unwrap());

    let before = b.decode(&z, None).map_err(JsValue::from).unwrap();
    let err = error_text(b.load_checkpoint(&bytes[..bytes.len() / 2]).unwrap_err());
    assert!(err.starts_with("checkpoint"), "{err}");
    assert_eq!(b.decode(&z, None).map_err(JsValue::from).unwrap(), before);
    assert_eq!(b.step(), 20.0);
}

#[wasm_bindgen_test]
fn bad_settings_are_refused_with_a_message() {
    let cases = [
        (r#"{"latent":0}"#, "latent"),
        (r#"{"batch":0}"#, "batch"),
        (r#"{"learningRate":-1}"#, "learningRate"),
        (r#"{"model":"wgan"}"#, "unknown variant"),
        (r#"{"latnet":3}"#, "unknown field"),
    ];
    for (json, expected) in cases {
        let err = match Lab::new(config(json), "mnist", IMAGES, LABELS, None, None) {
            Ok(_) => panic!("{json} was accepted"),
            Err(e) => error_text(e),
        };
        assert!(err.contains(expected), "{json}: {err}");
    }
    let err = match Lab::new(config("{}"), "mnist", &IMAGES[..100], LABELS, None, None) {
        Ok(_) => panic!("a truncated image file was accepted"),
        Err(e) => error_text(e),
    };
    assert!(err.starts_with("images:"), "{err}");
}

#[wasm_bindgen_test]
fn divergence_rolls_back_and_says_so() {
    let mut lab = lab(r#"{"seed":8}"#);
    lab.train(100).map_err(JsValue::from).unwrap();
    let z = [0.2f32; 8];
    let healthy = lab.decode(&z, None).map_err(JsValue::from).unwrap();
    lab.set_learning_rate(10.0).map_err(JsValue::from).unwrap();
    let err = error_text(lab.train(200).unwrap_err());
    assert!(err.contains("rolled back to step 100"), "{err}");
    assert_eq!(lab.step(), 100.0);
    assert_eq!(lab.decode(&z, None).map_err(JsValue::from).unwrap(), healthy);
}

#[wasm_bindgen_test]
fn tensor_bytes_are_read_exactly_in_wasm_too() {
    // The simd128 loops against Candle's conversion: every f16 pattern (subnormals must survive
    // the scaling) and f32, with tails past the last full vector.
    use candle_core::{DType, Device, Tensor};
    use vae_lab::files::tensor_bytes;
    let patterns: Vec<u16> = (0..=u16::MAX).chain([0x3c00, 0x8001, 0x7bff]).collect();
    let bytes: Vec<u8> = patterns.iter().flat_map(|b| b.to_le_bytes()).collect();
    let reference = Tensor::from_raw_buffer(&bytes, DType::F16, &[patterns.len()], &Device::Cpu).unwrap().to_dtype(DType::F32).unwrap().to_vec1::<f32>().unwrap();
    for ((bits, got), want) in patterns.iter().zip(tensor_bytes::f16s(&bytes)).zip(reference) {
        assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "f16 {bits:#06x}: {got:e}, want {want:e}");
    }
    let values: Vec<f32> = (0..1003).map(|i| (i as f32 - 500.0) * 1.37e-3).collect();
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(tensor_bytes::f32s(&bytes), values);
}
