//! Spreading independent work over every core with scoped threads, keeping
//! the input's order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every element of `items`, in order, computed on every
/// core. Work is handed out in small batches from a shared counter, so a
/// thread that draws the large files of a repository does not leave the
/// others idle. A panic in `f` (a bug) is passed on unchanged.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    if workers < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    let batch = (items.len() / (workers * 64)).max(1);
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done: Vec<(usize, Vec<R>)> = Vec::new();
        loop {
            let start = next.fetch_add(batch, Ordering::Relaxed);
            let Some(part) = items.get(start..(start + batch).min(items.len())) else {
                break;
            };
            if part.is_empty() {
                break;
            }
            done.push((start, part.iter().map(&f).collect()));
        }
        done
    };
    let mut parts = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers).map(|_| scope.spawn(work)).collect();
        let mut parts = work();
        for helper in helpers {
            match helper.join() {
                Ok(more) => parts.extend(more),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        parts
    });
    parts.sort_unstable_by_key(|(start, _)| *start);
    let mut out = Vec::with_capacity(items.len());
    for (_, results) in parts {
        out.extend(results);
    }
    out
}

/// `a()` and `b()`, computed at the same time on two threads. A panic in
/// either (a bug) is passed on unchanged.
pub(crate) fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        match b.join() {
            Ok(b) => (a, b),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn join_returns_both_in_place() {
        let (a, b) = super::join(|| "left".to_string(), || vec![1, 2, 3]);
        assert_eq!((a.as_str(), b), ("left", vec![1, 2, 3]));
    }

    #[test]
    fn keeps_order() {
        for len in [0, 1, 2, 3, 63, 64, 65, 1000, 4099] {
            let items: Vec<u32> = (0..len).collect();
            let doubled = super::map(&items, |n| n * 2);
            assert_eq!(doubled, items.iter().map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn uneven_work_keeps_order() {
        // One slow element first, as a large file among small ones: the
        // batches finish out of order and are put back in place.
        let items: Vec<u64> = (0..4096).collect();
        let work = |n: &u64| {
            let rounds = if *n == 0 { 1_000_000 } else { 10 };
            (0..rounds).fold(*n, |acc, i| acc.wrapping_mul(31).wrapping_add(i))
        };
        let serial: Vec<u64> = items.iter().map(work).collect();
        assert_eq!(super::map(&items, work), serial);
    }
}
