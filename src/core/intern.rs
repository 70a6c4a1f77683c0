//! Fast hashing and string interning for the front end and the trace
//! builder: names become dense symbol ids in the parser (on both parse
//! threads), so the sequential trace build never hashes a string.
//!
//! Owns FxHash with a final mix and the `Interner`. Must not know about
//! the grammar or the trace.

use std::hash::Hasher;

use hashbrown::HashTable;

/// FxHash (as in rustc) with a final avalanche: the tables here are hashed
/// millions of times on large programs, and their keys are not adversarial
/// in any way that matters for a local tool.
#[derive(Default, Clone, Copy)]
pub struct Fx(u64);

impl Fx {
    #[inline]
    pub fn add(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for Fx {
    /// A product's low bits depend only on its inputs' low bits, and hash
    /// tables index by the low bits (names like v1…v999999 would all
    /// collide): mix before use.
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in chunks.by_ref() {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.add(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        let mut w = [0u8; 8];
        w[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(w) ^ ((bytes.len() as u64) << 56));
    }
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }
}

/// The hash of a name (as `Fx::write` of its bytes, then `finish`).
#[inline]
pub fn hash_str(s: &str) -> u64 {
    let b = s.as_bytes();
    if b.len() < 8 {
        // One word: what `write` computes, without its copy loop (names
        // are mostly short, and a large program looks each use up).
        let mut h = Fx::default();
        h.add(prefix(s) ^ ((b.len() as u64) << 56));
        return h.finish();
    }
    let mut h = Fx::default();
    h.write(b);
    h.finish()
}

/// The first 8 bytes of a name as a little-endian word (zero-padded),
/// read with at most two loads.
#[inline]
fn prefix(name: &str) -> u64 {
    let b = name.as_bytes();
    let n = b.len();
    let word = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
    if n >= 8 {
        u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
    } else if n >= 4 {
        // Two overlapping words: the shared bytes are equal in both.
        word(0) | (word(n - 4) << (8 * (n - 4)))
    } else {
        b.iter()
            .enumerate()
            .fold(0, |w, (i, &c)| w | (u64::from(c) << (8 * i)))
    }
}

/// Names to dense ids (0, 1, 2, … in order of first appearance).
pub struct Interner<'s> {
    /// Entries carry the name's first 8 bytes and its length, so most
    /// lookups compare without touching the text (a cache miss on large
    /// programs).
    table: HashTable<(u64, u32, u32)>,
    names: Vec<&'s str>,
    /// Names of up to 8 bytes met lately, by their word (which is the
    /// whole name: names hold no NUL), with their id + 1 (0: none): a name
    /// used again soon (`x*x + x`, a statement's inputs) skips the table.
    recent: [(u64, u32); RECENT],
}

const RECENT: usize = 64;

impl Default for Interner<'_> {
    fn default() -> Self {
        Interner {
            table: HashTable::new(),
            names: Vec::new(),
            recent: [(0, 0); RECENT],
        }
    }
}

impl<'s> Interner<'s> {
    /// Room for `n` more names without rehashing (each statement usually
    /// brings one new name).
    pub fn reserve(&mut self, n: usize) {
        let names = &self.names;
        self.table
            .reserve(n, |&(_, _, id)| hash_str(names[id as usize]));
        self.names.reserve(n);
    }

    pub fn find(&self, name: &str) -> Option<u32> {
        let (h, p, len) = (hash_str(name), prefix(name), name.len() as u32);
        self.table
            .find(h, |&(ep, elen, id)| {
                ep == p && elen == len && (len <= 8 || self.names[id as usize] == name)
            })
            .map(|&(_, _, id)| id)
    }

    /// The id of `name`, and whether it is new.
    pub fn intern(&mut self, name: &'s str) -> (u32, bool) {
        let short = name.len() <= 8;
        let word = prefix(name);
        let slot = (word.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize % RECENT;
        if short {
            let (w, id) = self.recent[slot];
            if w == word && id != 0 {
                return (id - 1, false);
            }
        }
        let (id, new) = self.intern_in_table(name);
        if short {
            self.recent[slot] = (word, id + 1);
        }
        (id, new)
    }

    fn intern_in_table(&mut self, name: &'s str) -> (u32, bool) {
        if let Some(id) = self.find(name) {
            return (id, false);
        }
        let id = self.names.len() as u32;
        self.names.push(name);
        let names = &self.names;
        self.table.insert_unique(
            hash_str(name),
            (prefix(name), name.len() as u32, id),
            |&(_, _, id)| hash_str(names[id as usize]),
        );
        (id, true)
    }

    /// How many names there are.
    pub fn count(&self) -> usize {
        self.names.len()
    }

    /// Forget the names interned after the first `len` (a statement the
    /// parser's fast path began and then left to pest).
    pub fn truncate(&mut self, len: usize) {
        self.recent = [(0, 0); RECENT];
        while self.names.len() > len {
            let Some(name) = self.names.pop() else { break };
            let id = self.names.len() as u32;
            if let Ok(e) = self.table.find_entry(hash_str(name), |&(_, _, i)| i == id) {
                e.remove();
            }
        }
    }

    #[cfg(test)]
    fn name(&self, id: u32) -> &'s str {
        self.names.get(id as usize).copied().unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_stable() {
        let mut i = Interner::default();
        let names: Vec<String> = (0..10_000)
            .map(|k| format!("v{k}"))
            .chain(["a_long_name_1".into(), "a_long_name_2".into()])
            .collect();
        for (k, n) in names.iter().enumerate() {
            assert_eq!(i.intern(n), (k as u32, true));
        }
        for (k, n) in names.iter().enumerate() {
            assert_eq!(i.intern(n), (k as u32, false));
            assert_eq!(i.name(k as u32), n);
        }
        assert_eq!(i.find("v10000"), None);
    }

    #[test]
    fn truncating_forgets_the_newest_names() {
        let mut i = Interner::default();
        for k in 0..100 {
            i.intern(if k < 50 { ["a", "b"][k % 2] } else { "c" });
        }
        let names: Vec<String> = (0..1000).map(|k| format!("name_{k}")).collect();
        for n in &names {
            i.intern(n);
        }
        i.truncate(3);
        assert_eq!(i.count(), 3);
        assert_eq!(i.find("name_7"), None);
        assert_eq!(i.find("c"), Some(2));
        // the freed ids are given again, in order
        assert_eq!(i.intern("d"), (3, true));
        assert_eq!(i.intern(&names[0]), (4, true));
        assert_eq!(i.intern("a"), (0, false));
    }

    #[test]
    fn names_met_lately_keep_their_ids() {
        let mut i = Interner::default();
        let names = [
            "abcdefgh",
            "abcdefg",
            "abcdefgh1",
            "abcdefgh2",
            "x",
            "y",
            "",
            "x_1",
        ];
        for (k, n) in names.iter().enumerate() {
            assert_eq!(i.intern(n), (k as u32, true), "{n:?}");
        }
        // Again, many times over, through the recent names and the table.
        for _ in 0..3 {
            for k in (0..names.len()).chain((0..200).map(|j| j % names.len())) {
                assert_eq!(i.intern(names[k]), (k as u32, false), "{:?}", names[k]);
            }
        }
    }

    #[test]
    fn the_short_hash_and_prefix_are_the_general_ones() {
        let general = |s: &str| {
            let mut h = Fx::default();
            h.write(s.as_bytes());
            h.finish()
        };
        let mut names: Vec<String> = vec![String::new(), "θ".into(), "x₁".into()];
        for n in 1..12 {
            names.push("abcdefghijkl"[..n].to_string());
            names.push("x".repeat(n));
        }
        for s in &names {
            assert_eq!(hash_str(s), general(s), "{s:?}");
            let mut w = [0u8; 8];
            let k = s.len().min(8);
            w[..k].copy_from_slice(&s.as_bytes()[..k]);
            assert_eq!(prefix(s), u64::from_le_bytes(w), "{s:?}");
        }
    }

    #[test]
    fn similar_names_spread_over_the_table() {
        // the low bits of the hash differ for names that share a prefix
        let low: std::collections::HashSet<u64> = (0..1000)
            .map(|k| hash_str(&format!("v{k}")) & 0xff)
            .collect();
        assert!(low.len() > 200, "{}", low.len());
    }
}
