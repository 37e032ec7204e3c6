//! Checkpoint files (safetensors with our metadata): any bytes must be refused with a message or
//! give a model that decodes, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(ckpt) = vae_lab::files::checkpoint::decode(data) {
        let latent = ckpt.meta.config.latent;
        if let Ok(model) = ckpt.into_model() {
            let _ = vae_lab::evaluation::codes::decode(model.as_ref(), &vec![0.0; latent], None);
        }
    }
});
