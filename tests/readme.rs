//! Every `$ balun ...` command shown in the README runs, and prints what the README says.
//!
//! The README's ```` ```text ```` blocks that start with `$ balun ` are transcripts: each `$ `
//! line is a command (run from the repository root, `*` in a file name expanded as a shell
//! would), and the lines up to the next `$ ` line or the end of the block are its output:
//! stdout when it succeeds, stderr when it fails (an error example). Files a command would write
//! (`--plot`, `--raw`, `--csv`, `--json`, `--hist`) go to a temporary directory instead, and must
//! exist afterwards. The comparison is exact, line by line (trailing spaces ignored): the
//! numbers a reader sees are the numbers balun prints.
//!
//! The ```` ```sh ```` blocks' `balun ...` commands (and the `ngspice -b -r OUT ...` that feed
//! them, when ngspice is installed) run too: each must succeed and write its files. (`cargo` and
//! `bash .ci/run` lines are what CI itself runs.)

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `$ balun ...` command and the output the README shows for it.
#[derive(Debug)]
struct Transcript {
    /// 1-based README line of the command.
    line: usize,
    args: Vec<String>,
    expected: Vec<String>,
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn transcripts(readme: &str) -> Vec<Transcript> {
    let mut out: Vec<Transcript> = Vec::new();
    let mut in_block = false;
    let mut block_is_transcript = false;
    for (i, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            if in_block {
                in_block = false;
            } else {
                in_block = true;
                block_is_transcript = false;
            }
            continue;
        }
        if !in_block {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ balun ") {
            block_is_transcript = true;
            out.push(Transcript {
                line: i + 1,
                args: cmd.split_whitespace().map(str::to_string).collect(),
                expected: Vec::new(),
            });
        } else if block_is_transcript {
            if let Some(t) = out.last_mut() {
                t.expected.push(line.trim_end().to_string());
            }
        }
    }
    out
}

/// Expands `dir/prefix*suffix` against the files in `dir` (sorted, as a shell does).
fn expand(arg: &str) -> Vec<String> {
    let Some((dir, pattern)) = arg.rsplit_once('/').filter(|_| arg.contains('*')) else {
        return vec![arg.to_string()];
    };
    let (prefix, suffix) = pattern.split_once('*').expect("one '*'");
    let mut names: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("README glob {arg}: {e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    names.sort();
    assert!(!names.is_empty(), "README glob {arg} matches nothing");
    names
}

/// Options whose value is a file balun (or ngspice, `-r`) writes.
const OUTPUT_OPTIONS: &[&str] = &["--plot", "--raw", "--csv", "--json", "--hist", "-r"];

/// The `balun ...` and `ngspice ...` commands of the ```` ```sh ```` blocks, with their README
/// line (a `a && b` line gives two commands, in order).
fn shell_commands(readme: &str) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    let mut in_sh = false;
    for (i, line) in readme.lines().enumerate() {
        if line.starts_with("```") {
            in_sh = !in_sh && line.trim() == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        for part in line.split("&&") {
            let words: Vec<String> = part.split_whitespace().map(str::to_string).collect();
            if matches!(words.first().map(String::as_str), Some("balun" | "ngspice")) {
                out.push((i + 1, words));
            }
        }
    }
    out
}

#[test]
fn readme_shell_commands_run() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-readme-sh");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("temp dir");
    let ngspice = Command::new("ngspice").arg("--version").output().is_ok();
    // Files written by an earlier command, by the name the README gives them.
    let mut written: std::collections::HashMap<String, PathBuf> = Default::default();
    let mut ran = 0;
    for (line, words) in shell_commands(&readme) {
        let (program, rest) = words.split_first().expect("a command");
        if program == "ngspice" && !ngspice {
            assert!(std::env::var_os("CI").is_none(), "ngspice missing in CI");
            continue;
        }
        let mut args: Vec<String> = Vec::new();
        let mut outputs = Vec::new();
        let mut it = rest.iter();
        while let Some(a) = it.next() {
            if OUTPUT_OPTIONS.contains(&a.as_str()) {
                let file = it.next().expect("a file after an output option");
                let path = scratch.join(format!("l{line}-{file}"));
                args.push(a.clone());
                args.push(path.to_string_lossy().into_owned());
                written.insert(file.clone(), path.clone());
                outputs.push(path);
            } else if let Some(path) = written.get(a) {
                args.push(path.to_string_lossy().into_owned());
            } else {
                args.push(a.clone());
            }
        }
        let exe = if program == "balun" {
            PathBuf::from(env!("CARGO_BIN_EXE_balun"))
        } else {
            PathBuf::from("ngspice")
        };
        let mut cmd = Command::new(exe);
        cmd.args(&args).current_dir(root()).env("NO_COLOR", "1");
        if program == "balun" {
            cmd.arg("-q");
        }
        let out = cmd.output().expect("run the README command");
        assert!(
            out.status.success(),
            "README.md:{line}: `{}` failed: {}",
            words.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        for path in outputs {
            assert!(
                path.exists(),
                "README.md:{line}: `{}` did not write {}",
                words.join(" "),
                path.display()
            );
        }
        ran += 1;
    }
    assert!(ran >= 3, "expected the README's plot commands, ran {ran}");
}

#[test]
fn readme_commands_print_what_the_readme_shows() {
    let readme = std::fs::read_to_string(root().join("README.md")).expect("README.md");
    let all = transcripts(&readme);
    assert!(
        all.len() >= 5,
        "expected the README's walk-throughs, found {} transcripts",
        all.len()
    );
    let scratch = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("balun-readme");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("temp dir");
    let mut failures = Vec::new();
    for t in &all {
        let mut args: Vec<String> = Vec::new();
        let mut written: Vec<PathBuf> = Vec::new();
        let mut it = t.args.iter();
        while let Some(a) = it.next() {
            if OUTPUT_OPTIONS.contains(&a.as_str()) {
                let file = it.next().expect("a file after an output option");
                let name = Path::new(file).file_name().expect("file name");
                let path = scratch.join(format!("l{}-{}", t.line, name.to_string_lossy()));
                args.push(a.clone());
                args.push(path.to_string_lossy().into_owned());
                written.push(path);
            } else {
                args.extend(expand(a));
            }
        }
        let out = Command::new(env!("CARGO_BIN_EXE_balun"))
            .args(&args)
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .expect("run balun");
        let shown = if out.status.success() {
            &out.stdout
        } else {
            &out.stderr
        };
        let actual: Vec<String> = String::from_utf8_lossy(shown)
            .lines()
            .map(|l| l.trim_end().to_string())
            .collect();
        let mut expected = t.expected.clone();
        while expected.last().is_some_and(|l| l.is_empty()) {
            expected.pop();
        }
        let mut actual = actual;
        while actual.last().is_some_and(|l| l.is_empty()) {
            actual.pop();
        }
        if actual != expected {
            failures.push(format!(
                "README.md:{}: `balun {}` printed\n{}\n--- but the README shows\n{}",
                t.line,
                t.args.join(" "),
                actual.join("\n"),
                expected.join("\n")
            ));
        }
        for path in written {
            assert!(
                path.exists(),
                "README.md:{}: `balun {}` did not write {}",
                t.line,
                t.args.join(" "),
                path.display()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
