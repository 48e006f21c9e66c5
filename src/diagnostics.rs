//! Renders errors and warnings for people: a `path:line:column: error: message` line, then the
//! source line with a caret under the span (drawn by `miette`'s graphical handler).
//!
//! ```text
//! t.net:3:8: error: expected a value after the nodes of r1
//!    ,-[t.net:3:8]
//!  2 | V1 in 0 DC 10
//!  3 | R1 in out
//!    :        ^^^
//!  4 | .op
//!    `----
//! ```
//!
//! The first line is always the location and message (so tools and tests can grep it); miette's
//! own repeat of the message is dropped. Errors without a span (a netlist that cannot be read, a
//! solver failure) are one line: `path: error: message`; solver messages start with the analysis.
//!
//! Style: Unicode box drawing and ANSI colours when writing to a terminal, Unicode without colour
//! when `NO_COLOR` is set, plain ASCII without colour otherwise (pipes, files, tests), so the
//! text is stable wherever it is captured.
//!
//! This module formats text only; the CLI decides where it goes.

use crate::Error;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource};
use netlist::{Sources, Span};
use std::io::IsTerminal;
use std::path::Path;

/// How severe a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Which characters and colours to draw with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// ASCII art, no colour: for pipes, files and tests.
    Plain,
    /// Unicode box drawing, no colour (`NO_COLOR` on a terminal).
    Unicode,
    /// Unicode box drawing and ANSI colours.
    Color,
}

impl Style {
    /// The style for stderr: colour only on a terminal and without `NO_COLOR`.
    pub fn for_stderr() -> Self {
        if !std::io::stderr().is_terminal() {
            Style::Plain
        } else if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
            Style::Unicode
        } else {
            Style::Color
        }
    }
}

/// Turns errors and warnings into text.
pub struct Renderer {
    style: Style,
    handler: GraphicalReportHandler,
}

impl Renderer {
    pub fn new(style: Style) -> Self {
        let theme = match style {
            Style::Plain => GraphicalTheme::none(),
            Style::Unicode => GraphicalTheme::unicode_nocolor(),
            Style::Color => GraphicalTheme::unicode(),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_links(false)
            .with_wrap_lines(false)
            .with_context_lines(1);
        Renderer { style, handler }
    }

    /// Renders any pipeline error. `path` is the netlist the user named (used when the error
    /// has no span).
    pub fn error(&self, path: &Path, sources: &Sources, error: &Error) -> String {
        match error {
            Error::Parse(e) => match e.span() {
                Some(span) => self.spanned(sources, span, Severity::Error, &e.to_string()),
                None => self.plain(&path.display().to_string(), Severity::Error, &e.to_string()),
            },
            Error::Elab(e) => self.spanned(sources, e.span(), Severity::Error, &e.to_string()),
            Error::Solve(e) => {
                self.plain(&path.display().to_string(), Severity::Error, &e.to_string())
            }
        }
    }

    /// Renders a warning (from the parser or elaboration).
    pub fn warning(&self, sources: &Sources, warning: &circuit::Warning) -> String {
        self.spanned(sources, warning.span, Severity::Warning, &warning.message)
    }

    /// `where: severity: message` on one line, coloured when the style allows.
    pub fn plain(&self, location: &str, severity: Severity, message: &str) -> String {
        format!("{}\n", self.header(location, severity, message))
    }

    fn header(&self, location: &str, severity: Severity, message: &str) -> String {
        if self.style == Style::Color {
            let color = match severity {
                Severity::Error => "31",
                Severity::Warning => "33",
            };
            format!(
                "\x1b[1m{location}:\x1b[0m \x1b[1;{color}m{}:\x1b[0m \x1b[1m{message}\x1b[0m",
                severity.word()
            )
        } else {
            format!("{location}: {}: {message}", severity.word())
        }
    }

    /// The location line, then the source snippet with a caret under `span`.
    pub fn spanned(
        &self,
        sources: &Sources,
        span: Span,
        severity: Severity,
        message: &str,
    ) -> String {
        let Some(file) = sources.files.get(span.file.0 as usize) else {
            // A span into a file that was never recorded: say what we can.
            return self.plain("<unknown file>", severity, message);
        };
        let location = sources.locate(span);
        let mut out = self.header(&location, severity, message);
        out.push('\n');

        let len = file.text.len();
        let start = (span.start as usize).min(len);
        let end = (span.end as usize).clamp(start, len);
        let diagnostic = MietteDiagnostic::new(message.to_string())
            .with_severity(match severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
            })
            .with_label(LabeledSpan::new_primary_with_span(None, start..end));
        let report = miette::Report::new(diagnostic).with_source_code(NamedSource::new(
            file.path.display().to_string(),
            file.text.clone(),
        ));
        let mut snippet = String::new();
        if self
            .handler
            .render_report(&mut snippet, report.as_ref())
            .is_err()
        {
            return out;
        }
        // miette starts with the message (one line per message line, wrapping is off); the
        // header above already says it.
        let skip = message.lines().count().max(1);
        for line in snippet.lines().skip(skip) {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn sources() -> Sources {
        let mut s = Sources::default();
        s.add(
            PathBuf::from("t.net"),
            "divider\nV1 in 0 DC 10\nR1 in out 1q\nR2 out 0 1k\n.op\n".into(),
        );
        s
    }

    #[test]
    fn plain_error_has_location_line_and_caret() {
        let s = sources();
        // "1q" on line 3, column 11.
        let span = Span::new(netlist::FileId(0), 8 + 14 + 10, 8 + 14 + 12);
        let r = Renderer::new(Style::Plain);
        let text = r.spanned(&s, span, Severity::Error, "bad value '1q'");
        let first = text.lines().next().unwrap();
        assert_eq!(first, "t.net:3:11: error: bad value '1q'");
        assert!(text.contains("[t.net:3:11]"), "{text}");
        assert!(text.contains("3 | R1 in out 1q"), "{text}");
        assert!(text.contains("^^"), "{text}");
        assert!(text.is_ascii(), "{text}");
        assert_eq!(text.matches("bad value").count(), 1, "{text}");
    }

    #[test]
    fn warning_and_spanless_errors() {
        let s = sources();
        let r = Renderer::new(Style::Plain);
        let w = circuit::Warning {
            span: Span::new(netlist::FileId(0), 47, 50),
            message: "something odd".into(),
        };
        assert!(r
            .warning(&s, &w)
            .starts_with("t.net:5:1: warning: something odd\n"));
        let e = Error::Solve(solver::SolveError::Unsupported(".tran".into()));
        assert_eq!(
            r.error(Path::new("t.net"), &s, &e),
            "t.net: error: .tran is not supported yet\n"
        );
    }

    #[test]
    fn span_past_end_is_clamped() {
        let s = sources();
        let r = Renderer::new(Style::Unicode);
        let text = r.spanned(
            &s,
            Span::new(netlist::FileId(0), 1000, 2000),
            Severity::Error,
            "x",
        );
        assert!(text.contains("error: x"));
    }
}
