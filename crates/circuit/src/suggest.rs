//! "Did you mean ...?" hints for unknown names.

/// Levenshtein distance between two ASCII-ish strings (by `char`).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let subst = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = subst.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The names among `candidates` closest to `name`, if within edit distance 2 (and a third of
/// the name's length, rounded up), sorted.
pub(crate) fn close_names<'a>(
    name: &str,
    candidates: impl Iterator<Item = &'a str>,
) -> Vec<String> {
    let limit = name.chars().count().div_ceil(3).clamp(1, 2);
    let mut found: Vec<(usize, String)> = candidates
        .filter(|c| *c != name)
        .map(|c| (distance(name, c), c.to_string()))
        .filter(|(d, _)| *d <= limit)
        .collect();
    found.sort();
    found.dedup();
    let best = found.first().map_or(0, |(d, _)| *d);
    found
        .into_iter()
        .filter(|(d, _)| *d == best)
        .map(|(_, c)| c)
        .collect()
}

/// `" (did you mean 'x'?)"`, `" (did you mean 'x' or 'y'?)"`, or `""`.
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let close = close_names(name, candidates);
    match close.as_slice() {
        [] => String::new(),
        [one] => format!(" (did you mean '{one}'?)"),
        [first, second, ..] => format!(" (did you mean '{first}' or '{second}'?)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(distance("rval", "rvall"), 1);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
    }

    #[test]
    fn hints() {
        let names = ["rval", "cval", "gain"];
        assert_eq!(
            did_you_mean("rvl", names.into_iter()),
            " (did you mean 'rval'?)"
        );
        assert_eq!(
            did_you_mean("xval", names.into_iter()),
            " (did you mean 'cval' or 'rval'?)"
        );
        assert_eq!(did_you_mean("zzzzzz", names.into_iter()), "");
    }
}
