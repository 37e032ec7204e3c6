//! Work spread over rayon's pool where the build has threads (native, and the page's two-thread
//! wasm build), done in order on the calling thread where it has none (the plain wasm build,
//! which thereby carries none of rayon's code: 9 KB of its gzipped size).

use std::result::Result;

#[cfg(any(not(target_arch = "wasm32"), target_feature = "atomics"))]
use rayon::prelude::*;

/// Threads training can use: the cores natively; in a wasm build with shared memory the pool
/// the page started; 1 in the plain wasm build.
pub fn available_threads() -> usize {
    #[cfg(not(target_arch = "wasm32"))]
    return std::thread::available_parallelism().map_or(1, |n| n.get());
    #[cfg(all(target_arch = "wasm32", target_feature = "atomics"))]
    return rayon::current_num_threads();
    #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
    return 1;
}

/// `[f(0), …, f(n − 1)]`, or the first error.
pub fn map<T: Send, E: Send>(n: usize, f: impl Fn(usize) -> Result<T, E> + Sync) -> Result<Vec<T>, E> {
    #[cfg(any(not(target_arch = "wasm32"), target_feature = "atomics"))]
    return (0..n).into_par_iter().map(&f).collect();
    #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
    return (0..n).map(f).collect();
}

/// `f` on every item (each may be changed), or the first error.
pub fn for_each<T: Send, E: Send>(items: &mut [T], f: impl Fn(&mut T) -> Result<(), E> + Sync) -> Result<(), E> {
    #[cfg(any(not(target_arch = "wasm32"), target_feature = "atomics"))]
    return items.par_iter_mut().map(&f).collect();
    #[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
    return items.iter_mut().try_for_each(f);
}

/// The threads a training step may use: how many parts a batch is cut into, and (natively) a
/// pool of their own. Candle's matrix products run on rayon's global pool, and parts nested on
/// it ran slower than one thread here (2 cores). In wasm the pool is the global one the page
/// started, and Candle's products stay on one thread there.
#[derive(Clone, Default)]
pub struct Threads {
    count: usize,
    #[cfg(not(target_arch = "wasm32"))]
    pool: Option<std::sync::Arc<rayon::ThreadPool>>,
}

impl Threads {
    /// One thread: everything on the calling one.
    pub fn one() -> Self {
        Self { count: 1, ..Self::default() }
    }

    /// `count` threads, 1 to [`available_threads`]; says why not otherwise.
    pub fn new(count: usize) -> Result<Self, String> {
        let available = available_threads();
        if !(1..=available).contains(&count) {
            return Err(format!("threads: {count} asked for, 1 to {available} available here"));
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(count).build().map_err(|e| format!("threads: {e}"))?;
            Ok(Self { count, pool: Some(std::sync::Arc::new(pool)) })
        }
        #[cfg(target_arch = "wasm32")]
        Ok(Self { count })
    }

    pub fn count(&self) -> usize {
        self.count.max(1)
    }

    /// Runs `f` where its rayon calls use these threads: natively inside the own pool, in wasm
    /// as it is (the global pool is the page's).
    pub fn install<R: Send>(&self, f: impl FnOnce() -> R + Send) -> R {
        #[cfg(not(target_arch = "wasm32"))]
        if let Some(pool) = &self.pool {
            return pool.install(f);
        }
        f()
    }
}
