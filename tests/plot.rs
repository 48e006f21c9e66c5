//! End-to-end tests of plotting and `balun show`: `--plot` writes well-formed SVG and PNG files
//! for each analysis kind, `show` reads ngspice's raw files, and an `.op`-only deck has nothing
//! to plot (a warning, exit 0, no file).

mod common;
use common::{temp_dir, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn balun<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_balun"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run balun")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn root(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Checks that `svg` is one well-formed `<svg>` element: every tag opened is closed in order
/// (a small XML tag matcher; comments, declarations and self-closing tags handled).
fn assert_well_formed_svg(svg: &str) {
    assert!(svg.trim_start().starts_with("<svg") || svg.trim_start().starts_with("<?xml"));
    let mut stack: Vec<String> = Vec::new();
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let end = rest.find('>').expect("unterminated tag");
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().expect("closing tag without an opening one");
            assert_eq!(open, name.trim(), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            let name = tag.split_whitespace().next().expect("tag name");
            stack.push(name.to_string());
        }
    }
    assert!(stack.is_empty(), "unclosed tags: {stack:?}");
}

/// Width and height from a PNG's IHDR chunk (bytes 16..24, big-endian), after checking the
/// signature and that IHDR is the first chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    (w, h)
}

/// `.ac` into an SVG: a Bode plot with both panels' axis labels and the vectors in the legend.
#[test]
fn ac_plot_svg_has_axes_and_legend() {
    let dir = temp_dir("plot", "ac-svg");
    let out = dir.join("rc.svg");
    let o = balun(&[
        "run".as_ref(),
        root("netlists/rc_lowpass.net").as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let svg = std::fs::read_to_string(&out).expect("svg written");
    assert_well_formed_svg(&svg);
    for label in [
        "Frequency (Hz)",
        "Magnitude (dB)",
        "Phase (deg)",
        "v(out)",
        "v(in)",
        "v(src)",
        "AC Analysis",
        "1k",
        "100k",
    ] {
        assert!(svg.contains(label), "SVG lacks {label:?}");
    }
}

/// `--vectors` picks what is drawn (and `out` means `v(out)`); an unknown name is an error that
/// lists the vectors there are.
#[test]
fn vectors_option_selects_and_rejects() {
    let dir = temp_dir("plot", "vectors");
    let out = dir.join("only_out.svg");
    let net = root("netlists/rc_lowpass.net");
    let o = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
        "--vectors".as_ref(),
        "out,i(v1)".as_ref(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let svg = std::fs::read_to_string(&out).unwrap();
    assert!(svg.contains("v(out)") && svg.contains("i(v1)"));
    assert!(!svg.contains("v(src)"), "v(src) was not asked for");

    let bad = dir.join("bad.svg");
    let o = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--plot".as_ref(),
        bad.as_os_str(),
        "--vectors".as_ref(),
        "v(nope)".as_ref(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("no vector 'v(nope)'") && err.contains("v(out)"),
        "{err}"
    );
    assert!(!bad.exists());
}

/// `.tran` into a PNG of the default size, 1000 x 700.
#[test]
fn tran_plot_png_has_the_right_size() {
    let dir = temp_dir("plot", "tran-png");
    let out = dir.join("rect.png");
    let o = balun(&[
        "run".as_ref(),
        root("tests/tran/halfwave_rectifier.net").as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let png = std::fs::read(&out).expect("png written");
    assert_eq!(png_size(&png), (1000, 700));
    // A blank image compresses to almost nothing; text and curves do not.
    assert!(
        png.len() > 10_000,
        "PNG suspiciously small: {} bytes",
        png.len()
    );
}

/// A deck with `.op` and two `.dc` sweeps writes one file per sweep (`-dc1`, `-dc2`), none for
/// `.op`; the transfer curves are labelled with the swept quantity.
#[test]
fn several_analyses_write_one_file_each() {
    let dir = temp_dir("plot", "dc-multi");
    let out = dir.join("div.svg");
    let o = balun(&[
        "run".as_ref(),
        root("tests/parity/divider_op_dc.net").as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(!out.exists());
    for name in ["div-dc1.svg", "div-dc2.svg"] {
        let svg = std::fs::read_to_string(dir.join(name)).expect(name);
        assert_well_formed_svg(&svg);
        assert!(svg.contains("Swept source (V)"), "{name}");
        assert!(svg.contains("Voltage (V)"), "{name}");
        assert!(svg.contains("v(mid)"), "{name}");
    }
    assert!(!dir.join("div-op1.svg").exists());
}

/// `.op` alone: nothing to plot is a warning, not an error (the run itself succeeded and its
/// table is printed); no file is written.
#[test]
fn op_only_has_nothing_to_plot() {
    let dir = temp_dir("plot", "op-only");
    let net = write(
        &dir,
        "op.net",
        "divider\nV1 in 0 DC 10\nR1 in out 1k\nR2 out 0 1k\n.op\n.end\n",
    );
    let out = dir.join("op.svg");
    let o = balun(&[
        "run".as_ref(),
        net.as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("nothing to plot"), "{err}");
    assert!(err.contains("warning"), "{err}");
    assert!(text(&o.stdout).contains("5.000 V"));
    assert!(!out.exists());
}

/// An extension other than .svg/.png is refused before simulating.
#[test]
fn unknown_plot_extension_is_an_error() {
    let dir = temp_dir("plot", "ext");
    let out = dir.join("x.jpg");
    let o = balun(&[
        "run".as_ref(),
        root("netlists/rc_lowpass.net").as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains(".svg or .png"));
    assert!(text(&o.stdout).is_empty(), "nothing simulated");
}

/// `balun show` on ngspice's own raw file prints its tables. The `.op` of the divider deck:
/// v(mid) = 10 V * (4.7k || 100k) / (10k + 4.7k || 100k) = 10 * 4489.016 / 14489.016
/// = 3.09822 V, printed with 3 decimals.
#[test]
fn show_prints_an_ngspice_raw_file() {
    let o = balun(&[
        "show".as_ref(),
        root("tests/parity/divider_op_dc.raw").as_os_str(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(
        out.contains("Title: divider_op_dc: resistive divider"),
        "{out}"
    );
    assert!(out.contains("Operating Point"), "{out}");
    let mid = out
        .lines()
        .find(|l| l.trim_start().starts_with("v(mid)"))
        .expect("v(mid) row");
    assert!(mid.contains("3.098 V"), "{mid}");
    assert!(out.contains("DC transfer characteristic"), "{out}");
}

/// `balun show --plot` on ngspice's AC raw file: a Bode plot of ngspice's own numbers.
#[test]
fn show_plots_an_ngspice_ac_raw_file() {
    let dir = temp_dir("plot", "show-plot");
    let out = dir.join("ngspice.png");
    let o = balun(&[
        "show".as_ref(),
        root("tests/parity/rc_lowpass_ac_dec.raw").as_os_str(),
        "--plot".as_ref(),
        out.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).is_empty(), "-q prints no table");
    let files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert!(!files.is_empty(), "no plot written");
    for f in files {
        assert_eq!(
            png_size(&std::fs::read(dir.join(&f)).unwrap()),
            (1000, 700),
            "{f}"
        );
    }
}

/// A file that is not a raw file is a clear error.
#[test]
fn show_rejects_a_non_raw_file() {
    let o = balun(&["show".as_ref(), root("netlists/rc_lowpass.net").as_os_str()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("raw file line"),
        "{}",
        text(&o.stderr)
    );
}
