//! IDX images + labels (raw or gzip) as a user might drop them: any bytes must give a data set or
//! an error, never a panic, a hang or a huge allocation.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks where the images end and the labels begin.
    let Some((&cut, rest)) = data.split_first() else { return };
    let at = (cut as usize * rest.len()) / 255;
    let (images, labels) = rest.split_at(at.min(rest.len()));
    if let Ok(set) = vae_lab::Dataset::from_idx(images, labels) {
        assert_eq!(set.images.len(), set.len() * set.pixels());
        let _ = set.split_stratified(10);
    }
});
