//! The page's `www/state/facts.js` is what Rust says about the kinds, the settings' ranges and the
//! data sets: the committed file must be exactly `vae-lab facts`'s output, so the page can never
//! be told something the library does not do.

#[test]
fn the_pages_facts_file_is_what_rust_says() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/www/state/facts.js");
    let committed = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(
        committed == vae_lab::facts::page_module(),
        "{path} is out of date: run `cargo run --bin vae-lab -- facts > www/state/facts.js` and commit it"
    );
}
