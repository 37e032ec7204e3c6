//! `vae-lab`: the native command line (see `src/cli.rs`). Not built for wasm32.

// glibc malloc's page faults dominate small-tensor training; mimalloc reuses freed pages.
#[cfg(not(target_arch = "wasm32"))]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    vae_lab::cli::main();
}
